/**
 * Reads a CSV file straight from its bytes into the JSON converter's bytes for each row's value, for a source whose
 * values go untouched to that converter: no string per cell, no array per row, no object per value. Written by
 * hand for speed: over 1M rows × 10 mixed columns it takes about 1.8 µs of CPU per row (at a load average of 9 on
 * 2 cores), where csv-parse alone took 3.5 µs and csv-parse with the typing and JSON writing after it 5.8 µs.
 *
 * It reads the common shape of a file and hands the rest to {@link readRows} (csv-parse), from the start of the
 * row it could not read, for the rest of the file, so that anything unusual reads exactly as it did before:
 *
 *   a row      cells split by the delimiter, ended by LF (or the end of the file); empty lines are skipped
 *   a cell     unquoted text without the quote character, or quote … quote with a doubled quote for a quote (when
 *              the escape character is the quote), followed by a delimiter, a line break or the end of the file
 *   handed on  a chunk holding a CR; a quote inside an unquoted cell or after a closing quote; a quote escaped
 *              otherwise than by doubling; an unclosed quote at the end of the file (csv-parse then says why)
 *
 * Only files in UTF-8 or ASCII, without csv.trim, with single-byte ASCII delimiter and quote, are read here at all
 * ({@link readsFast}). Each cell becomes JSON as {@link RowJsonWriter} would write its typed value, byte for byte:
 * plain cells (printable ASCII text, canonical integers, plain decimals, true/false) are copied or computed from
 * their bytes, any other cell is decoded and typed by `convertCell` as before. A row whose cells do not all fit
 * their fields crosses as its cells' text, to fail in the task as it would have; a row of the wrong width is a
 * bad row with its text.
 */
import { open } from 'node:fs/promises';
import { forgetLongString } from '../../src/connect/converters/json-writer.js';
import {
  canonicalInteger,
  copy,
  countBreaks,
  isPlainText,
  isTrueOrFalse,
  plainDecimal,
  plainDouble,
  sameBytes,
} from './cell-bytes.js';
import { type CsvFormat, type CsvPosition, readRows } from './csv-reader.js';
import { CellError, type CellValue, convertCell, type FieldSpec } from './field-types.js';
import { prefixesOf, RowJsonWriter, writeCell } from './row-json.js';
import { encodeRows, META_FIELDS, RowKind, type RowTransfer } from './row-transfer.js';

const LF = 0x0a;
const CR = 0x0d;
const QUOTED = 1;
const ESCAPED = 2;

enum Fast {
  Text, // string: copied when printable ASCII
  Int, // int: canonical digits up to 9
  Long, // long: canonical digits up to 15
  Double, // double: plain decimal, computed exactly
  Boolean, // boolean: true or false as written
  Other, // float, decimal, date, timestamp: decoded and converted
}

function fastKind(f: FieldSpec): Fast {
  switch (f.type) {
    case 'string':
      return Fast.Text;
    case 'int':
      return Fast.Int;
    case 'long':
      return Fast.Long;
    case 'double':
      return Fast.Double;
    case 'boolean':
      return Fast.Boolean;
    default:
      return Fast.Other;
  }
}

const ascii = (s: string) => s.length === 1 && s.charCodeAt(0) < 0x80;

/** Whether {@link readJsonRows} reads files of this format (else {@link readRows} and the typing after it do). */
export function readsFast(format: CsvFormat): boolean {
  return (
    (format.encoding === 'utf8' || format.encoding === 'ascii') &&
    !format.trim &&
    !format.relaxColumnCount &&
    ascii(format.delimiter) &&
    ascii(format.quote) &&
    ascii(format.escape) &&
    format.delimiter !== format.quote &&
    format.delimiter !== '\n' &&
    format.delimiter !== '\r'
  );
}

/**
 * The JSON of each row of `file` from `from` on, typed by `fields`, as batches of a chunk each in the form the
 * parsing thread posts ({@link RowTransfer}: rows of JSON, rows of text that did not fit, bad rows).
 */
export async function* readJsonRows(
  file: string,
  format: CsvFormat,
  columns: readonly string[],
  fields: readonly FieldSpec[],
  from: CsvPosition,
  highWaterMark = 64 * 1024,
): AsyncGenerator<RowTransfer> {
  const width = fields.length;
  const kinds = fields.map(fastKind);
  const nullable = fields.map((f) => f.nullable);
  const prefixes = prefixesOf(fields);
  let prefixBytes = 2;
  for (const p of prefixes) prefixBytes += p.length;
  const DELIM = format.delimiter.charCodeAt(0);
  const QUOTE = format.quote.charCodeAt(0);
  const doubled = format.escape === format.quote;
  const nullValue = format.nullValue;
  const nullBytes = nullValue !== undefined ? Buffer.from(nullValue, 'utf8') : undefined;
  const encoding = format.encoding;
  /** Per cell of the row being read: start, end and flags (QUOTED, ESCAPED) of its text inside any quotes. */
  let cells = new Int32Array(3 * Math.max(16, width + 1));

  // Where reading stands: the byte after the last row read, the line breaks before it, the rows so far.
  let lastEnd = from.position;
  let lines = from.line;
  let row = from.row;

  // The batch being made.
  let meta = new Float64Array(META_FIELDS * 1024);
  let n = 0;
  let json = Buffer.allocUnsafeSlow(256 * 1024);
  let used = 0;
  let textRows: (string | null)[][] = [];
  let bad: RowTransfer['bad'] = [];

  const textOf = (b: Buffer, c: number): string => {
    const text = b.toString(encoding, cells[3 * c]!, cells[3 * c + 1]!);
    if ((cells[3 * c + 2]! & ESCAPED) === 0) return text;
    return text.split(format.quote + format.quote).join(format.quote);
  };
  const addRow = (line: number, endLine: number, kind: number, length: number) => {
    if ((n + 1) * META_FIELDS > meta.length) {
      const grown = new Float64Array(meta.length * 2);
      grown.set(meta);
      meta = grown;
    }
    const m = n * META_FIELDS;
    meta[m] = line;
    meta[m + 1] = row;
    meta[m + 2] = lastEnd;
    meta[m + 3] = endLine;
    meta[m + 4] = kind;
    meta[m + 5] = length;
    n++;
  };
  const take = (): RowTransfer => {
    forgetLongString();
    const out: RowTransfer = {
      meta: meta.subarray(0, n * META_FIELDS),
      json: new Uint8Array(json.buffer, json.byteOffset, used),
      bad,
    };
    if (textRows.length > 0) out.cells = textRows;
    // Sized for a batch like this one.
    meta = new Float64Array(Math.max(META_FIELDS * 64, (n + (n >> 2)) * META_FIELDS));
    json = Buffer.allocUnsafeSlow(Math.max(64 * 1024, used + (used >> 2)));
    used = 0;
    n = 0;
    textRows = [];
    bad = [];
    return out;
  };

  /** Appends a row's JSON from its cells' ranges in `b`; false (nothing appended) when a cell does not fit. */
  const writeRow = (b: Buffer, rowBytes: number): boolean => {
    // Room for the worst case: every byte escaped as \u00XX, every cell a number of 26 characters or null.
    const room = used + prefixBytes + 6 * rowBytes + 32 * width;
    if (room > json.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(2 * json.length, room));
      json.copy(grown, 0, 0, used);
      json = grown;
    }
    const out = json;
    let p = used;
    for (let i = 0; i < width; i++) {
      const prefix = prefixes[i]!;
      for (let k = 0; k < prefix.length; k++) out[p++] = prefix[k]!;
      const s = cells[3 * i]!;
      const e = cells[3 * i + 1]!;
      const flags = cells[3 * i + 2]!;
      if (s === e || (nullBytes !== undefined && (flags & ESCAPED) === 0 && sameBytes(b, s, e, nullBytes))) {
        if (!nullable[i]) return false;
        out[p++] = 0x6e; // n
        out[p++] = 0x75; // u
        out[p++] = 0x6c; // l
        out[p++] = 0x6c; // l
        continue;
      }
      if ((flags & ESCAPED) === 0) {
        const kind = kinds[i]!;
        if (kind === Fast.Text) {
          if (isPlainText(b, s, e)) {
            out[p++] = 0x22; // "
            p = copy(b, s, e, out, p);
            out[p++] = 0x22;
            continue;
          }
        } else if (kind === Fast.Long || kind === Fast.Int) {
          if (canonicalInteger(b, s, e, kind === Fast.Int ? 9 : 15)) {
            p = copy(b, s, e, out, p);
            continue;
          }
        } else if (kind === Fast.Double) {
          const v = plainDouble(b, s, e);
          if (!Number.isNaN(v)) {
            const abs = Math.abs(v);
            p = abs >= 1e-3 && abs < 1e7 ? plainDecimal(b, s, e, out, p) : writeCell(out, p, 'double', v);
            continue;
          }
        } else if (kind === Fast.Boolean && isTrueOrFalse(b, s, e)) {
          p = copy(b, s, e, out, p);
          continue;
        }
      }
      // Anything else is decoded and converted as the task would.
      const text = textOf(b, i);
      let v: CellValue;
      try {
        v = convertCell(fields[i]!, text === nullValue ? null : text);
      } catch (err) {
        if (err instanceof CellError) return false;
        throw err;
      }
      p = writeCell(out, p, fields[i]!.type, v);
      if (p < 0) throw new Error(`the JSON of row ${row + 1} did not fit the room kept for it`);
    }
    if (width === 0) out[p++] = 0x7b; // {
    out[p++] = 0x7d; // }
    used = p;
    return true;
  };

  /**
   * Reads the rows of `b`, whose byte 0 is at `lastEnd`, up to its last complete one (to its end when `final`).
   * Returns where reading stopped within `b`, or -1 when it met something it hands on (at `lastEnd`).
   */
  const readChunk = (b: Buffer, final: boolean): number => {
    const size = b.length;
    // csv-parse takes the first line break it meets for the record delimiter. Until an LF has ended a line here,
    // a CR may be that break: csv-parse reads such a chunk. After, a CR is a character of its cell, as for
    // csv-parse, but counts as a line break for line numbers, as readRows counts them.
    const withCR = b.indexOf(CR) !== -1;
    if (withCR && !discovered) return -1;
    /** The byte after the last row read, in `b`. */
    let done = 0;
    let p = 0;
    let leading = 0;
    while (p < size) {
      if (b[p] === LF) {
        discovered = true;
        leading++;
        p++;
        continue;
      }
      const rowStart = p;
      let count = 0;
      let breaks = 0;
      let complete = false;
      let terminated = false;
      for (;;) {
        if (3 * count + 3 > cells.length) {
          const grown = new Int32Array(cells.length * 2);
          grown.set(cells);
          cells = grown;
        }
        if (p < size && b[p] === QUOTE) {
          if (!doubled) return -1;
          const s = p + 1;
          let r = s;
          let flags = QUOTED;
          let close = -1;
          let more = false;
          for (;;) {
            const at = b.indexOf(QUOTE, r);
            if (at === -1 || (at + 1 === size && !final)) {
              more = true;
              break;
            }
            if (at + 1 < size && b[at + 1] === QUOTE) {
              flags |= ESCAPED;
              r = at + 2;
              continue;
            }
            close = at;
            break;
          }
          if (more) {
            // An unclosed quote at the end of the file is for csv-parse to report.
            if (final) return -1;
            break;
          }
          for (let l = b.indexOf(LF, s); l !== -1 && l < close; l = b.indexOf(LF, l + 1)) breaks++;
          cells[3 * count] = s;
          cells[3 * count + 1] = close;
          cells[3 * count + 2] = flags;
          count++;
          p = close + 1;
          if (p === size) {
            complete = true;
            break;
          }
          const d = b[p];
          if (d === DELIM) {
            p++;
            continue;
          }
          if (d === LF) {
            p++;
            complete = true;
            terminated = true;
            break;
          }
          return -1;
        }
        let r = p;
        while (r < size) {
          const c = b[r];
          if (c === DELIM || c === LF || c === QUOTE) break;
          r++;
        }
        if (r < size && b[r] === QUOTE) return -1;
        cells[3 * count] = p;
        cells[3 * count + 1] = r;
        cells[3 * count + 2] = 0;
        count++;
        if (r === size) {
          complete = final;
          p = r;
          break;
        }
        p = r + 1;
        if (b[r] === LF) {
          complete = true;
          terminated = true;
          break;
        }
      }
      if (!complete) break;
      if (terminated) discovered = true;
      let line: number;
      let endLine: number;
      if (withCR) {
        const counted = countBreaks(b, done, p);
        line = lines + counted.leading + 1;
        endLine = line + counted.breaks - (counted.endsWithBreak ? 1 : 0);
        lines += counted.leading + counted.breaks;
      } else {
        line = lines + leading + 1;
        endLine = line + breaks;
        lines = terminated ? endLine : endLine - 1;
      }
      row++;
      const regionStart = done;
      lastEnd += p - done;
      done = p;
      leading = 0;
      if (count !== width) {
        const raw = withCR
          ? b
              .toString(encoding, regionStart, p)
              .replace(/^[\r\n]+/, '')
              .replace(/(\r\n|\r|\n)$/, '')
          : b.toString(encoding, rowStart, terminated ? p - 1 : p);
        addRow(line, endLine, RowKind.Bad, 0);
        bad.push([n - 1, `expected ${width} columns, found ${count}`, raw]);
        continue;
      }
      const jsonStart = used;
      if (writeRow(b, p - rowStart)) {
        addRow(line, endLine, RowKind.Json, used - jsonStart);
        continue;
      }
      const text: (string | null)[] = new Array(width);
      for (let c = 0; c < width; c++) {
        const t = textOf(b, c);
        text[c] = t === '' || t === nullValue ? null : t;
      }
      addRow(line, endLine, width, 0);
      textRows.push(text);
    }
    // Empty lines at the end of the file belong to no row; elsewhere they are read again with the next row.
    return final ? size : done;
  };

  /** Whether an LF ended a line: csv-parse then takes LF for the record delimiter, and a CR is text. */
  let discovered = false;
  const handle = await open(file, 'r');
  let handedOn = false;
  try {
    let carry: Buffer = Buffer.alloc(0);
    let position = from.position;
    if (position === 0) {
      const bom = Buffer.alloc(3);
      const { bytesRead } = await handle.read(bom, 0, 3, 0);
      if (bytesRead === 3 && bom[0] === 0xef && bom[1] === 0xbb && bom[2] === 0xbf) {
        position = 3;
        lastEnd = 3;
      }
    }
    for (;;) {
      const chunk = Buffer.allocUnsafe(carry.length + Math.max(highWaterMark, carry.length));
      carry.copy(chunk, 0);
      const { bytesRead } = await handle.read(chunk, carry.length, chunk.length - carry.length, position);
      position += bytesRead;
      const final = bytesRead === 0;
      const data = chunk.subarray(0, carry.length + bytesRead);
      const stopped = readChunk(data, final);
      if (n > 0) yield take();
      if (stopped === -1) {
        handedOn = true;
        break;
      }
      if (final) return;
      carry = data.subarray(stopped);
    }
  } finally {
    await handle.close();
  }
  if (!handedOn) return;
  // The rest of the file, from the row this reader could not read, as csv-parse reads it.
  const writer = new RowJsonWriter(fields);
  const rest = readRows(file, discovered ? { ...format, recordDelimiter: '\n' } : format, columns, {
    position: lastEnd,
    line: lines,
    row,
  });
  for await (const batch of rest) yield encodeRows(batch, fields, writer);
}
