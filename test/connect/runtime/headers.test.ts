import { describe, expect, it } from 'vitest';
import { type ConnectHeader, Schemas } from '../../../src/connect/index.js';
import { headersToBytes } from '../../../src/connect/runtime/headers.js';

const text = (headers: ConnectHeader[]) =>
  headersToBytes(headers)?.map((h) => [h.key, h.value === null ? null : h.value.toString('utf8')]);

describe('connect › runtime › headers to bytes', () => {
  it('writes each value as its text: strings, numbers, dates in ISO 8601, structs as JSON, bytes as they are', () => {
    expect(
      text([
        { key: 's', value: 'orders.csv', schema: Schemas.STRING },
        { key: 'n', value: 42, schema: Schemas.INT64 },
        { key: 'd', value: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), schema: Schemas.TIMESTAMP },
        { key: 'o', value: { a: 1 }, schema: null },
        { key: 'b', value: Buffer.from('raw'), schema: Schemas.BYTES },
        { key: 'z', value: null, schema: Schemas.OPTIONAL_STRING },
      ]),
    ).toEqual([
      ['s', 'orders.csv'],
      ['n', '42'],
      ['d', '2026-01-02T03:04:05.000Z'],
      ['o', '{"a":1}'],
      ['b', 'raw'],
      ['z', null],
    ]);
    expect(headersToBytes([])).toBeUndefined();
  });

  it('writes a number as String() spells it, integers of any size and sign and other numbers alike', () => {
    const numbers = [
      0,
      -0,
      7,
      -42,
      1234567890,
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 53 - 1,
      -(2 ** 53) + 1,
      2 ** 53,
      1.5,
      1e21,
      Number.NaN,
    ];
    for (const n of numbers)
      expect(text([{ key: 'n', value: n, schema: Schemas.INT64 }])).toEqual([['n', String(n)]]);
  });

  it('encodes a header object shared by many records anew whenever its value changed, also a date in place', () => {
    const file: ConnectHeader = { key: 'file', value: 'a.csv', schema: Schemas.STRING };
    const mtime = new Date(0);
    const modified: ConnectHeader = { key: 'modified', value: mtime, schema: Schemas.TIMESTAMP };
    expect(text([file, modified])).toEqual([
      ['file', 'a.csv'],
      ['modified', '1970-01-01T00:00:00.000Z'],
    ]);
    expect(text([file, modified])).toEqual([
      ['file', 'a.csv'],
      ['modified', '1970-01-01T00:00:00.000Z'],
    ]);
    file.value = 'b.csv';
    mtime.setTime(1000);
    expect(text([file, modified])).toEqual([
      ['file', 'b.csv'],
      ['modified', '1970-01-01T00:00:01.000Z'],
    ]);
    file.key = 'name';
    expect(text([file])).toEqual([['name', 'b.csv']]);
  });
});
