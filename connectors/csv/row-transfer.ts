import type { CsvRow } from './csv-reader.js';
import { CellError, type CellValue, convertCells, type FieldSpec } from './field-types.js';
import type { RowJsonWriter } from './row-json.js';

/**
 * A batch of rows as it crosses from the parsing thread to the task's thread, in a form that crosses cheaply: flat
 * arrays of numbers and the cells' text as UTF-8, moved rather than copied, instead of an object and an array per
 * row, which the structured clone would walk and rebuild one by one. Moved buffers also wait outside the task
 * thread's heap until it takes them, so a batch queued there is never copied by its garbage collector.
 *
 * Given the file's fields, the parsing thread also types the cells, so that the task's thread neither converts
 * them nor makes strings of its numbers; asked for JSON, it goes on to write each typed row's value as the JSON
 * converter's bytes (see {@link RowJsonWriter}), and the task's thread makes no value at all. A row whose cells do
 * not all fit their fields crosses as text, to fail there as it would have without the thread.
 *
 *   meta     Float64Array, FIELDS per row: line, row, end position, end line, kind, nulls. The kind is BAD_ROW
 *            for a row that does not fit (its text and reason are in `bad`), TYPED for a typed row, JSON for a row
 *            whose value is in `json`, else its count of text cells. `nulls` has bit i set when field i of a typed
 *            row is null; for a JSON row it is the length of its JSON.
 *   text     UTF-8, joined by U+001F: every cell of a text row (a null cell as the empty string: the reader never
 *            hands out an empty cell, it makes it null), and the string and decimal fields of a typed row
 *   numbers  the other fields of the typed rows, unless null: numbers, booleans as 1 or 0, dates and timestamps
 *            as milliseconds since the epoch
 *   json     the JSON rows' values, back to back
 *   cells    instead of `text`, when some cell holds U+001F itself: every row as text (but JSON rows), a row per
 *            array
 *   bad      for each bad row, its index in the batch, why it is bad, and its text
 */
export interface RowTransfer {
  meta: Float64Array;
  text?: Uint8Array;
  numbers?: Float64Array;
  json?: Uint8Array;
  cells?: (string | null)[][];
  bad: [index: number, reason: string, raw: string][];
}

/** The file's fields, and how the task's thread makes a row's value of them (see {@link objectBuilder}). */
export interface RowTyping {
  fields: readonly FieldSpec[];
  build: (values: ArrayLike<CellValue>) => Record<string, CellValue>;
  /** Whether the rows' values are to come as the JSON converter's bytes instead. */
  json?: boolean;
}

/** Numbers per row in `meta`, and the kinds of row besides a text row's count of cells. */
export const META_FIELDS = 6;
export const RowKind = { Bad: -1, Typed: -2, Json: -3 } as const;
const FIELDS = META_FIELDS;
const BAD_ROW = RowKind.Bad;
const TYPED = RowKind.Typed;
const JSON_ROW = RowKind.Json;
/** Nulls of a typed row are kept as bits of a 32-bit integer: a row with a null beyond crosses as text. */
const NULL_BITS = 30;
const SEPARATOR = '\x1f';
const utf8 = new TextEncoder();

const textual = (f: FieldSpec) => f.type === 'string' || f.type === 'decimal';

/** The buffers a transfer moves to the receiving thread instead of copying. */
export function transferList(t: RowTransfer): ArrayBuffer[] {
  const list = [t.meta.buffer as ArrayBuffer];
  if (t.text) list.push(t.text.buffer as ArrayBuffer);
  if (t.numbers) list.push(t.numbers.buffer as ArrayBuffer);
  if (t.json) list.push(t.json.buffer as ArrayBuffer);
  return list;
}

/**
 * Encodes a batch; with `fields`, typing the rows whose cells all fit, and with `json` too, writing their values as
 * JSON with it (a writer for those fields).
 */
export function encodeRows(
  rows: readonly CsvRow[],
  fields?: readonly FieldSpec[],
  json?: RowJsonWriter,
): RowTransfer {
  if (fields && json) return encodeJsonRows(rows, fields, json);
  const meta = new Float64Array(rows.length * FIELDS);
  const flat: string[] = [];
  const numeric = fields ? fields.filter((f) => !textual(f)).length : 0;
  const numbers = fields && numeric > 0 ? new Float64Array(rows.length * numeric) : undefined;
  let used = 0;
  const bad: RowTransfer['bad'] = [];
  let plain = true;
  const rowValues: CellValue[] = [];
  const rowText: string[] = [];
  const rowNumbers: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const m = i * FIELDS;
    meta[m] = r.line;
    meta[m + 1] = r.row;
    meta[m + 2] = r.end.position;
    meta[m + 3] = r.end.line;
    if (!r.ok) {
      meta[m + 4] = BAD_ROW;
      bad.push([i, r.reason, r.raw]);
      continue;
    }
    const cells = r.cells!;
    if (fields && cells.length === fields.length) {
      const nulls = typeRow(fields, cells, rowValues, rowText, rowNumbers);
      if (nulls !== undefined) {
        meta[m + 4] = TYPED;
        meta[m + 5] = nulls;
        for (const t of rowText) {
          if (plain && t.includes(SEPARATOR)) plain = false;
          flat.push(t);
        }
        for (const n of rowNumbers) numbers![used++] = n;
        continue;
      }
    }
    meta[m + 4] = cells.length;
    for (const cell of cells) {
      if (cell === null) flat.push('');
      else {
        if (plain && cell.includes(SEPARATOR)) plain = false;
        flat.push(cell);
      }
    }
  }
  if (plain) return { meta, text: utf8.encode(flat.join(SEPARATOR)), ...(numbers ? { numbers } : {}), bad };
  // Rare enough to send as arrays, untyped: the rows as text, which the task's thread converts itself.
  if (fields) return encodeRows(rows);
  return { meta, cells: rows.flatMap((r) => (r.ok ? [r.cells!] : [])), bad };
}

/** {@link encodeRows} with the typed rows as JSON: only the rows that do not fit cross as text. */
function encodeJsonRows(
  rows: readonly CsvRow[],
  fields: readonly FieldSpec[],
  json: RowJsonWriter,
): RowTransfer {
  const meta = new Float64Array(rows.length * FIELDS);
  const flat: string[] = [];
  const bad: RowTransfer['bad'] = [];
  const textRows: (string | null)[][] = [];
  let plain = true;
  const values: CellValue[] = new Array(fields.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const m = i * FIELDS;
    meta[m] = r.line;
    meta[m + 1] = r.row;
    meta[m + 2] = r.end.position;
    meta[m + 3] = r.end.line;
    if (!r.ok) {
      meta[m + 4] = BAD_ROW;
      bad.push([i, r.reason, r.raw]);
      continue;
    }
    const cells = r.cells!;
    if (cells.length === fields.length && fits(fields, cells, values)) {
      meta[m + 4] = JSON_ROW;
      meta[m + 5] = json.write(values);
      continue;
    }
    meta[m + 4] = cells.length;
    textRows.push(cells);
    for (const cell of cells) {
      if (cell === null) flat.push('');
      else {
        if (plain && cell.includes(SEPARATOR)) plain = false;
        flat.push(cell);
      }
    }
  }
  const out: RowTransfer = { meta, json: json.take(), bad };
  if (!plain) out.cells = textRows;
  else if (flat.length > 0) out.text = utf8.encode(flat.join(SEPARATOR));
  return out;
}

/** Converts a row's cells into `values`; false when one does not fit its field. */
function fits(fields: readonly FieldSpec[], cells: readonly (string | null)[], values: CellValue[]): boolean {
  try {
    convertCells(fields, cells, values);
    return true;
  } catch (err) {
    if (err instanceof CellError) return false;
    throw err;
  }
}

/**
 * Converts a row's cells (into `values`, then `text` for string and decimal fields, a null one as '', and
 * `numbers` for the others unless null), and returns its null bits; undefined when a cell does not fit its field, or is a null beyond the
 * bits.
 */
function typeRow(
  fields: readonly FieldSpec[],
  cells: readonly (string | null)[],
  values: CellValue[],
  text: string[],
  numbers: number[],
): number | undefined {
  try {
    convertCells(fields, cells, values);
  } catch (err) {
    if (err instanceof CellError) return undefined;
    throw err;
  }
  text.length = 0;
  numbers.length = 0;
  let nulls = 0;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const v = values[i] ?? null;
    if (v === null) {
      if (i >= NULL_BITS) return undefined;
      nulls |= 1 << i;
      if (textual(f)) text.push('');
    } else if (typeof v === 'string') text.push(v);
    else if (typeof v === 'number') numbers.push(v);
    else if (typeof v === 'boolean') numbers.push(v ? 1 : 0);
    else numbers.push(v.getTime());
  }
  return nulls;
}

/** Decodes a batch; typed rows need the file's `typing`, which the reader that asked for them has. */
export function decodeRows(t: RowTransfer, typing?: RowTyping): CsvRow[] {
  const { meta, bad, numbers, json } = t;
  let jsonAt = json?.byteOffset ?? 0;
  const n = meta.length / FIELDS;
  const out: CsvRow[] = new Array(n);
  // Cells are taken by count: a batch of no cells (or of one null) has the text '', which splits into one ''.
  const text = t.text;
  const flat =
    text !== undefined
      ? Buffer.from(text.buffer, text.byteOffset, text.length).toString('utf8').split(SEPARATOR)
      : [];
  const values: CellValue[] = typing ? new Array(typing.fields.length) : [];
  let next = 0;
  let number = 0;
  let good = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    const m = i * FIELDS;
    const row = meta[m + 1]!;
    const end = { position: meta[m + 2]!, line: meta[m + 3]!, row };
    const kind = meta[m + 4]!;
    if (kind === BAD_ROW) {
      const [, reason, raw] = bad[b++]!;
      out[i] = { ok: false, line: meta[m]!, row, end, reason, raw };
      continue;
    }
    if (kind === JSON_ROW) {
      const length = meta[m + 5]!;
      const value = Buffer.from(json!.buffer, jsonAt, length);
      jsonAt += length;
      out[i] = { ok: true, line: meta[m]!, row, end, cells: null, json: value };
      continue;
    }
    if (kind === TYPED) {
      const { fields, build } = typing!;
      const nulls = meta[m + 5]!;
      for (let f = 0; f < fields.length; f++) {
        const field = fields[f]!;
        const type = field.type;
        if (textual(field)) {
          const s = flat[next++]!;
          values[f] = s === '' ? null : s;
        } else if (nulls !== 0 && (nulls & (1 << f)) !== 0) values[f] = null;
        else {
          const v = numbers![number++]!;
          values[f] =
            type === 'boolean' ? v === 1 : type === 'date' || type === 'timestamp' ? new Date(v) : v;
        }
      }
      out[i] = { ok: true, line: meta[m]!, row, end, cells: null, value: build(values) };
      continue;
    }
    let cells: (string | null)[];
    if (t.cells) cells = t.cells[good]!;
    else {
      cells = flat.slice(next, next + kind);
      next += kind;
      for (let c = 0; c < kind; c++) if (cells[c] === '') cells[c] = null;
    }
    good++;
    out[i] = { ok: true, line: meta[m]!, row, end, cells };
  }
  return out;
}
