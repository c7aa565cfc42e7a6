import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CsvRow } from '../../../connectors/csv/csv-reader.js';
import { decodeRows, encodeRows, transferList } from '../../../connectors/csv/row-transfer.js';

/** Rows as the reader hands them out: cells never empty (an empty cell is null), bad rows with their text. */
const cell = fc.option(
  fc.string({ minLength: 1, unit: fc.constantFrom('a', 'é', '\x1f', ',', '"', '\n', '😀') }),
  {
    nil: null,
  },
);
const row = fc.oneof(
  fc.record({
    ok: fc.constant(true as const),
    line: fc.nat(),
    row: fc.nat(),
    position: fc.nat(),
    endLine: fc.nat(),
    cells: fc.array(cell, { maxLength: 6 }),
  }),
  fc.record({
    ok: fc.constant(false as const),
    line: fc.nat(),
    row: fc.nat(),
    position: fc.nat(),
    endLine: fc.nat(),
    reason: fc.string(),
    raw: fc.string(),
  }),
);
type Generated = typeof row extends fc.Arbitrary<infer T> ? T : never;
const toRow = (r: Generated): CsvRow => {
  const end = { position: r.position, line: r.endLine, row: r.row };
  return r.ok
    ? { ok: true, line: r.line, row: r.row, end, cells: r.cells }
    : { ok: false, line: r.line, row: r.row, end, reason: r.reason, raw: r.raw };
};

describe('connectors › csv › row transfer', () => {
  it('decodes exactly the rows it encoded: nulls, bad rows, any text, the separator itself', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), (input) => {
        const rows = input.map(toRow);
        const t = encodeRows(rows);
        expect(decodeRows(structuredClone(t, { transfer: transferList(t) }))).toEqual(rows);
      }),
    );
  });

  it('sends plain cells as one text, not a string per cell', () => {
    const rows = [toRow({ ok: true, line: 2, row: 1, position: 9, endLine: 2, cells: ['1', null, 'x'] })];
    const t = encodeRows(rows);
    expect(t.cells).toBeUndefined();
    expect(Buffer.from(t.text!).toString()).toBe('1\x1f\x1fx');
  });
});
