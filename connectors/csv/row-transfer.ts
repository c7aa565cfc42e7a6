import type { CsvRow } from './csv-reader.js';

/**
 * A batch of rows as it crosses from the parsing thread to the task's thread, in a form that crosses cheaply: a
 * flat array of numbers and the cells' text as UTF-8, both moved rather than copied, instead of an object and an
 * array per row, which the structured clone would walk and rebuild one by one. Moved buffers also wait outside the
 * task thread's heap until it takes them, so a batch queued there is never copied by its garbage collector.
 *
 *   meta  Float64Array, FIELDS per row: line, row, end position, end line, cell count (BAD_ROW for a row that does
 *         not fit; its text and reason are in `bad`)
 *   text  the cells of the good rows, in order, joined by U+001F, as UTF-8 (a null cell as the empty string: the
 *         reader never hands out an empty cell, it makes it null)
 *   cells instead of `text` when some cell holds U+001F itself: the cells, a row per array
 *   bad   for each bad row, its index in the batch, why it is bad, and its text
 */
export interface RowTransfer {
  meta: Float64Array;
  text?: Uint8Array;
  cells?: (string | null)[][];
  bad: [index: number, reason: string, raw: string][];
}

const FIELDS = 5;
const BAD_ROW = -1;
const SEPARATOR = '\x1f';
const utf8 = new TextEncoder();

/** The buffers a transfer moves to the receiving thread instead of copying. */
export function transferList(t: RowTransfer): ArrayBuffer[] {
  return t.text
    ? [t.meta.buffer as ArrayBuffer, t.text.buffer as ArrayBuffer]
    : [t.meta.buffer as ArrayBuffer];
}

export function encodeRows(rows: readonly CsvRow[]): RowTransfer {
  const meta = new Float64Array(rows.length * FIELDS);
  const flat: string[] = [];
  const bad: RowTransfer['bad'] = [];
  let plain = true;
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
    meta[m + 4] = r.cells.length;
    for (const cell of r.cells) {
      if (cell === null) flat.push('');
      else {
        if (plain && cell.includes(SEPARATOR)) plain = false;
        flat.push(cell);
      }
    }
  }
  if (plain) return { meta, text: utf8.encode(flat.join(SEPARATOR)), bad };
  return { meta, cells: rows.flatMap((r) => (r.ok ? [r.cells] : [])), bad };
}

export function decodeRows(t: RowTransfer): CsvRow[] {
  const { meta, bad } = t;
  const n = meta.length / FIELDS;
  const out: CsvRow[] = new Array(n);
  // Cells are taken by count: a batch of no cells (or of one null) has the text '', which splits into one ''.
  const text = t.text;
  const flat =
    text !== undefined
      ? Buffer.from(text.buffer, text.byteOffset, text.length).toString('utf8').split(SEPARATOR)
      : [];
  let next = 0;
  let good = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    const m = i * FIELDS;
    const row = meta[m + 1]!;
    const end = { position: meta[m + 2]!, line: meta[m + 3]!, row };
    const count = meta[m + 4]!;
    if (count === BAD_ROW) {
      const [, reason, raw] = bad[b++]!;
      out[i] = { ok: false, line: meta[m]!, row, end, reason, raw };
      continue;
    }
    let cells: (string | null)[];
    if (t.cells) cells = t.cells[good]!;
    else {
      cells = flat.slice(next, next + count);
      next += count;
      for (let c = 0; c < count; c++) if (cells[c] === '') cells[c] = null;
    }
    good++;
    out[i] = { ok: true, line: meta[m]!, row, end, cells };
  }
  return out;
}
