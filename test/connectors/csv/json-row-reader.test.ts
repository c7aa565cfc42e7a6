import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CsvFormat, type CsvRow, readHeader, readRows } from '../../../connectors/csv/csv-reader.js';
import { type FieldSpec, type FieldType, parseFieldType } from '../../../connectors/csv/field-types.js';
import { readJsonRows, readsFast } from '../../../connectors/csv/json-row-reader.js';
import { RowJsonWriter } from '../../../connectors/csv/row-json.js';
import { decodeRows, encodeRows, type RowTransfer } from '../../../connectors/csv/row-transfer.js';

const format: CsvFormat = {
  delimiter: ',',
  quote: '"',
  escape: '"',
  header: true,
  skipLines: 0,
  trim: false,
  encoding: 'utf8',
  relaxColumnCount: false,
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-csv-json-reader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The rows of a batch as plain data, the JSON as text, so that two readers' batches compare with toEqual. */
const plain = (rows: CsvRow[]) =>
  rows.map((r) => ({ ...r, ...(r.ok && r.json ? { json: r.json.toString() } : {}) }));

/** What a reader made of a file: its rows, then the first words of the error that stopped it, if one did. */
async function readAll(batches: AsyncIterable<RowTransfer>): Promise<unknown[]> {
  const out: unknown[] = [];
  try {
    for await (const t of batches) out.push(...plain(decodeRows(structuredClone(t))));
  } catch (err) {
    out.push(`error: ${(err as Error).message.split(':')[0]}`);
  }
  return out;
}

/** The reference: csv-parse, then typing and writing each row's JSON as the parsing thread did before. */
async function* reference(file: string, f: CsvFormat, columns: string[], fields: FieldSpec[], hwm: number) {
  const { start } = await readHeader(file, f);
  const writer = new RowJsonWriter(fields);
  for await (const batch of readRows(file, f, columns, start, hwm)) yield encodeRows(batch, fields, writer);
}

const CELLS: Record<string, string[]> = {
  long: ['1', '-5', '007', '+3', '-0', '0', '123456789012345', '9007199254740993', ' 4', 'x'],
  int: ['12', '-2147483648', '2147483648', '0012'],
  double: [
    '1000.00',
    '00.50',
    '-5.50',
    '0.0010',
    '9999999.99',
    '0.000999',
    '7',
    '0.37',
    '1.50',
    '-0.0',
    '5.',
    '.5',
    '1e5',
    '123.456',
    '0.0001',
    '12345678.9',
    'NaN',
    '0.12345678901234567',
  ],
  boolean: ['true', 'false', 'TRUE', 'yes', ' true'],
  string: [
    'abc',
    'a b',
    '"q, ""x"""',
    '"multi\nline"',
    'é',
    '😀',
    'tab\there',
    'back\\slash',
    '"a,b"',
    'NULL',
    '\x7f',
  ],
  decimal: ['1.50', '+2', 'x'],
  date: ['2026-01-02', '2026-13-01'],
};
const TYPES = Object.keys(CELLS) as FieldType[];

const file = fc
  .record({
    types: fc.array(fc.constantFrom(...TYPES), { minLength: 1, maxLength: 5 }),
    nullable: fc.boolean(),
    rows: fc.array(fc.tuple(fc.nat(), fc.array(fc.nat(), { maxLength: 7 })), { maxLength: 40 }),
    ending: fc.constantFrom('', '\n', '\n\n'),
    oddity: fc.constantFrom('', '', '', '\r\n', '\n1,"unclosed', '\n1,a"b', '\n"x"y,1'),
    hwm: fc.constantFrom(17, 64, 65536),
    nullValue: fc.constantFrom(undefined, 'NULL'),
  })
  .map((g) => {
    const columns = g.types.map((_, i) => `c${i}`);
    const lines = [columns.join(',')];
    for (const [kind, picks] of g.rows) {
      if (kind % 17 === 0) {
        lines.push('');
        continue;
      }
      // Mostly rows of the file's width; some shorter or longer.
      const width = kind % 11 === 0 ? picks.length : g.types.length;
      const cells: string[] = [];
      for (let c = 0; c < width; c++) {
        const pool = CELLS[g.types[c] ?? 'string']!;
        const pick = picks[c] ?? kind;
        cells.push(pick % 9 === 0 ? '' : pool[pick % pool.length]!);
      }
      lines.push(cells.join(','));
    }
    let text = lines.join('\n') + g.ending + g.oddity;
    if (g.oddity === '\r\n') text = text.replace('\n', '\r\n');
    const fields = g.types.map((t, i) => parseFieldType(columns[i]!, g.nullable ? `${t}?` : t) as FieldSpec);
    return { text, columns, fields, hwm: g.hwm, nullValue: g.nullValue };
  });

describe('connectors › csv › reader of bytes into JSON', () => {
  it('reads what csv-parse and the typing after it read, row for row and byte for byte, or hands on to them', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(file, async (g) => {
        const path = join(dir, `f${n++}.csv`);
        await writeFile(path, g.text);
        const f: CsvFormat = { ...format, ...(g.nullValue ? { nullValue: g.nullValue } : {}) };
        const { start } = await readHeader(path, f);
        const fast = await readAll(readJsonRows(path, f, g.columns, g.fields, start, g.hwm));
        const slow = await readAll(reference(path, f, g.columns, g.fields, g.hwm));
        expect(fast).toEqual(slow);
      }),
      { numRuns: 150 },
    );
  }, 60_000);

  it('writes plain rows without a string per cell, and resumes mid-file at a committed position', async () => {
    const path = join(dir, 'plain.csv');
    await writeFile(path, 'id,name,ok,score\n1,ann,true,0.5\n\n2,"b, ""c""",false,1000\n3,x,true,-2.25\n');
    const fields = ['long', 'string', 'boolean', 'double'].map(
      (t, i) => parseFieldType(['id', 'name', 'ok', 'score'][i]!, t) as FieldSpec,
    );
    const { columns, start } = await readHeader(path, format);
    const rows: CsvRow[] = [];
    for await (const t of readJsonRows(path, format, columns, fields, start)) rows.push(...decodeRows(t));
    expect(rows.map((r) => (r.ok ? r.json?.toString() : r.reason))).toEqual([
      '{"id":1,"name":"ann","ok":true,"score":0.5}',
      '{"id":2,"name":"b, \\"c\\"","ok":false,"score":1000.0}',
      '{"id":3,"name":"x","ok":true,"score":-2.25}',
    ]);
    expect(rows.map((r) => [r.line, r.row])).toEqual([
      [2, 1],
      [4, 2],
      [5, 3],
    ]);
    const resumed: CsvRow[] = [];
    for await (const t of readJsonRows(path, format, columns, fields, rows[0]!.end))
      resumed.push(...decodeRows(t));
    expect(plain(resumed)).toEqual(plain(rows.slice(1)));
  });

  it('leaves formats it does not read to csv-parse', () => {
    expect(readsFast(format)).toBe(true);
    expect(readsFast({ ...format, trim: true })).toBe(false);
    expect(readsFast({ ...format, encoding: 'utf16le' })).toBe(false);
    expect(readsFast({ ...format, delimiter: '§' })).toBe(false);
  });
});
