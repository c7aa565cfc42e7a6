import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CsvRow } from '../../../connectors/csv/csv-reader.js';
import {
  CellError,
  type CellValue,
  convertCell,
  type FieldSpec,
} from '../../../connectors/csv/field-types.js';
import { objectBuilder } from '../../../connectors/csv/object-builder.js';
import { RowJsonWriter } from '../../../connectors/csv/row-json.js';
import { schemaOf } from '../../../connectors/csv/row-to-record.js';
import { decodeRows, encodeRows, transferList } from '../../../connectors/csv/row-transfer.js';
import { JsonConverter, struct } from '../../../src/connect/index.js';

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

describe('connectors › csv › row transfer › typed on the parsing thread', () => {
  const types = [
    'string',
    'long',
    'int',
    'double',
    'float',
    'boolean',
    'date',
    'timestamp',
    'decimal',
  ] as const;
  const field = fc.record({ type: fc.constantFrom(...types), nullable: fc.boolean() });
  /** Cells that fit some type, and some that fit none. */
  const text = fc.oneof(
    fc.integer().map(String),
    fc.double({ noNaN: true }).map(String),
    fc.constantFrom('true', 'no', '2026-02-03', '2026-02-03T04:05:06Z', '1.50', 'x\x1fy', 'é', '-0', 'NaN'),
    fc.string({ minLength: 1, maxLength: 4 }),
  );

  it('types a row whose cells fit their fields as converting them would, and sends any other row as text', () => {
    fc.assert(
      fc.property(
        fc.array(field, { minLength: 1, maxLength: 5 }),
        fc.array(fc.array(fc.option(text, { nil: null }), { minLength: 5, maxLength: 5 }), { maxLength: 8 }),
        (specs, table) => {
          const fields: FieldSpec[] = specs.map((f, i) => ({ name: `c${i}`, ...f }));
          const build = objectBuilder<CellValue>(fields.map((f) => f.name));
          const rows: Extract<CsvRow, { cells: (string | null)[] }>[] = table.map((cells, i) => ({
            ok: true as const,
            line: i + 2,
            row: i + 1,
            end: { position: 10 * i, line: i + 2, row: i + 1 },
            cells: cells.slice(0, fields.length),
          }));
          const t = encodeRows(rows, fields);
          const decoded = decodeRows(structuredClone(t, { transfer: transferList(t) }), { fields, build });
          const separator = rows.some((r) => r.cells.some((c) => c?.includes('\x1f')));
          decoded.forEach((row, i) => {
            const input = rows[i]!;
            let expected: Record<string, CellValue> | undefined;
            try {
              expected = build(fields.map((f, j) => convertCell(f, input.cells[j] ?? null)));
            } catch (err) {
              if (!(err instanceof CellError)) throw err;
            }
            if (expected === undefined || separator) expect(row).toEqual(input);
            else expect(row).toEqual({ ...input, cells: null, value: expected });
          });
        },
      ),
    );
  });
});

describe('connectors › csv › row transfer › written as JSON on the parsing thread', () => {
  const types = [
    'string',
    'long',
    'int',
    'double',
    'float',
    'boolean',
    'date',
    'timestamp',
    'decimal',
  ] as const;
  const field = fc.record({ type: fc.constantFrom(...types), nullable: fc.boolean() });
  const text = fc.oneof(
    fc.integer().map(String),
    fc.double().map(String),
    fc.float().map(String),
    fc.constantFrom(
      'true',
      'no',
      '2026-02-03',
      '1969-12-31',
      '2026-02-03T04:05:06.789Z',
      '1.50',
      '-0',
      'NaN',
      '-Infinity',
      '1e21',
      '0.000123',
      'x\x1fy',
      'é"\\\n',
      '😀',
    ),
    fc.string({ minLength: 1, maxLength: 4 }),
    fc.string({ minLength: 250, maxLength: 300 }),
  );
  const converter = new JsonConverter(false);

  it("writes each typed row's value as the JSON converter's bytes for it, and sends any other row as text", () => {
    fc.assert(
      fc.property(
        fc.array(field, { minLength: 1, maxLength: 5 }),
        fc.array(fc.array(fc.option(text, { nil: null }), { minLength: 5, maxLength: 5 }), { maxLength: 8 }),
        (specs, table) => {
          const fields: FieldSpec[] = specs.map((f, i) => ({ name: i === 1 ? 'é "q"' : `c${i}`, ...f }));
          const schema = struct(
            fields.map((f) => [f.name, schemaOf(f)] as const),
            { name: 'sluice.csv.Row' },
          );
          const build = objectBuilder<CellValue>(fields.map((f) => f.name));
          const rows: Extract<CsvRow, { cells: (string | null)[] }>[] = table.map((cells, i) => ({
            ok: true as const,
            line: i + 2,
            row: i + 1,
            end: { position: 10 * i, line: i + 2, row: i + 1 },
            cells: cells.slice(0, fields.length),
          }));
          // A small first buffer, so that batches also grow it mid-row.
          const t = encodeRows(rows, fields, new RowJsonWriter(fields, 64));
          const decoded = decodeRows(structuredClone(t, { transfer: transferList(t) }), {
            fields,
            build,
            json: true,
          });
          decoded.forEach((row, i) => {
            const input = rows[i]!;
            let expected: Buffer | undefined;
            try {
              const value = build(fields.map((f, j) => convertCell(f, input.cells[j] ?? null)));
              expected = converter.fromConnectData('t', schema, value)!;
            } catch (err) {
              if (!(err instanceof CellError)) throw err;
            }
            if (expected === undefined) expect(row).toEqual(input);
            else {
              expect(row.ok && row.json?.toString()).toBe(expected.toString());
              expect(row).toEqual({ ...input, cells: null, json: row.ok ? row.json : undefined });
            }
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
