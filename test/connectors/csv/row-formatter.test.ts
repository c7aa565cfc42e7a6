import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { RowFormatter } from '../../../connectors/csv/row-formatter.js';

const cells = [
  'plain',
  '',
  'with, comma',
  'say "hi"',
  'two\nlines',
  'crlf\r\nlines',
  'semi;colon',
  "it's",
  'é ü 漢字',
  0,
  -12.5,
  1e21,
  true,
  false,
];

describe('connectors › csv › row formatter', () => {
  for (const [delimiter, quote] of [
    [',', '"'],
    [';', "'"],
    ['|', '"'],
    ['\t', '"'],
    ['-', ']'],
    ['^', '\\'],
  ] as const) {
    it(`quotes and doubles quotes as csv-stringify does (delimiter ${JSON.stringify(delimiter)}, quote ${quote})`, () => {
      const f = new RowFormatter(delimiter, quote, '');
      expect(f.row(cells)).toBe(
        stringify([cells], {
          delimiter,
          quote,
          escape: quote,
          record_delimiter: 'unix',
          cast: { boolean: String },
        }),
      );
    });
  }

  it('also quotes a lone CR (csv-stringify leaves it bare, and a reader may take it for a line break)', () => {
    const text = new RowFormatter(',', '"', '').row(['a\rb', 'c']);
    expect(text).toBe('"a\rb",c\n');
    expect(parse(text)).toEqual([['a\rb', 'c']]);
  });

  it('writes nulls as the null value, dates in ISO 8601, bytes in base64, objects as JSON', () => {
    const f = new RowFormatter(',', '"', 'NULL');
    expect(
      f.fields(
        {
          a: null,
          at: new Date('2026-01-02T03:04:05Z'),
          bytes: Buffer.from('hi'),
          obj: { x: [1, 'y'] },
        },
        ['a', 'missing', 'at', 'bytes', 'obj'],
      ),
    ).toBe('NULL,NULL,2026-01-02T03:04:05.000Z,aGk=,"{""x"":[1,""y""]}"\n');
  });

  it('writes a record the same with the function compiled for its columns as field by field', () => {
    const f = new RowFormatter(',', '"', 'NULL');
    const columns = ['id', 'say "hi"', 'é', '__proto__', 'missing', '\u2028', 'n'];
    const record = { id: 1, 'say "hi"': 'a,b', é: 'x\ny', ['__proto__']: 'p', '\u2028': null, n: -0.5 };
    const compiled = f.compile(columns);
    expect(compiled(record)).toBe(f.fields(record, columns));
    expect(compiled(record)).toBe('1,"a,b","x\ny",p,NULL,NULL,-0.5\n');
    expect(f.compile([])({ a: 1 })).toBe('\n');
  });
});
