import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { type Options as ParseOptions, parse } from 'csv-parse';
import type { CellValue } from './field-types.js';

/** How a file is parsed; the subset of csv-parse's options the connector exposes, with Kafka-style names mapped in. */
export interface CsvFormat {
  delimiter: string;
  quote: string;
  escape: string;
  /** First record is the header row. */
  header: boolean;
  /** Column names when there is no header row (or to override it). */
  columns?: string[];
  skipLines: number;
  /** Cells equal to this (after trimming when `trim`) are null; empty cells are always null. */
  nullValue?: string;
  trim: boolean;
  encoding: BufferEncoding;
  /** Keep rows whose column count differs from the header (they become bad rows otherwise). */
  relaxColumnCount: boolean;
  /**
   * The record delimiter, when a reader that read the start of the file hands the rest on: csv-parse otherwise takes
   * the first line break it meets, which then would be that of the rest.
   */
  recordDelimiter?: string;
}

/** Where reading resumes: the byte just after the last row handed out, and that row's line. */
export type CsvPosition = {
  position: number;
  line: number;
  row: number;
};

/**
 * One record of a file: its cells by column index (null for an empty cell or the null marker), or, typed by the
 * thread that parsed it, its value or the JSON converter's bytes for its value (then `cells` is null), or why it
 * is bad. `end` is where reading resumes after it, and doubles as the record's source offset.
 */
export type CsvRow =
  | {
      ok: true;
      line: number;
      row: number;
      end: CsvPosition;
      cells: (string | null)[];
      value?: undefined;
      json?: undefined;
    }
  | {
      ok: true;
      line: number;
      row: number;
      end: CsvPosition;
      cells: null;
      value: Record<string, CellValue>;
      json?: undefined;
    }
  | { ok: true; line: number; row: number; end: CsvPosition; cells: null; value?: undefined; json: Buffer }
  | { ok: false; line: number; row: number; end: CsvPosition; reason: string; raw: string };

/**
 * The core of csv-parse that its stream wraps: `parse` consumes a chunk and calls `push` once per record, and while
 * `push` runs `info.bytes` is the count of bytes consumed through that record's delimiter. Driving it directly gives
 * each record's position without the per-record info objects of csv-parse's `info` option.
 */
interface ParserCore {
  info: { bytes: number };
  parse(
    chunk: Buffer | undefined,
    end: boolean,
    push: (record: string[]) => void,
    close: () => void,
  ): Error | undefined;
}

const LF = 0x0a;
const CR = 0x0d;

function parserOptions(format: CsvFormat, extra: ParseOptions): ParseOptions {
  return {
    delimiter: format.delimiter,
    quote: format.quote,
    escape: format.escape,
    bom: true,
    info: true,
    raw: true,
    relax_column_count: true,
    trim: format.trim,
    skip_empty_lines: true,
    encoding: format.encoding,
    ...(format.recordDelimiter !== undefined ? { record_delimiter: format.recordDelimiter } : {}),
    ...extra,
  };
}

/**
 * Reads the header row (after `skipLines`) and returns the column names and the position just after it, so that a
 * resumed read can start mid-file and still name its cells.
 */
export async function readHeader(
  file: string,
  format: CsvFormat,
): Promise<{ columns: string[]; start: CsvPosition }> {
  if (!format.header) {
    if (!format.columns?.length)
      throw new Error('no header row and no declared column names (set csv.columns)');
    const start = await positionAfterLines(file, format, format.skipLines);
    return { columns: format.columns, start };
  }
  const parser = createReadStream(file).pipe(
    parse(parserOptions(format, { from_line: format.skipLines + 1, to: 1 })),
  );
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { bytes: number; lines: number };
  }>) {
    parser.destroy();
    const columns = format.columns?.length ? format.columns : record.map((c) => c.trim());
    const dupe = columns.find((c, i) => columns.indexOf(c) !== i);
    if (dupe !== undefined) throw new Error(`header row names column "${dupe}" twice`);
    if (columns.some((c) => c === '')) throw new Error('header row has an empty column name');
    return { columns, start: { position: info.bytes, line: info.lines, row: 0 } };
  }
  throw new Error('the file is empty: no header row');
}

async function positionAfterLines(file: string, format: CsvFormat, lines: number): Promise<CsvPosition> {
  if (lines === 0) {
    const fh = await open(file, 'r');
    try {
      const bom = Buffer.alloc(3);
      const { bytesRead } = await fh.read(bom, 0, 3, 0);
      const hasBom = bytesRead === 3 && bom[0] === 0xef && bom[1] === 0xbb && bom[2] === 0xbf;
      return { position: hasBom ? 3 : 0, line: 0, row: 0 };
    } finally {
      await fh.close();
    }
  }
  const parser = createReadStream(file).pipe(parse(parserOptions(format, { to_line: lines })));
  let last: CsvPosition = { position: 0, line: 0, row: 0 };
  for await (const { info } of parser as AsyncIterable<{ info: { bytes: number; lines: number } }>) {
    last = { position: info.bytes, line: info.lines, row: 0 };
  }
  return last;
}

/**
 * Streams the rows of `file` from `from` on, a batch per chunk read: a row that does not fit (wrong column count)
 * comes out as `ok: false` with its line, reason and text instead of stopping the file, so the caller can
 * dead-letter it. A quoting error ends the stream with an error naming the line, after the rows before it.
 * Memory stays flat: one chunk (and the chunks holding an unfinished record) at a time. Chunks are small (64 KiB)
 * so that a batch is handed on while its rows are young: a megabyte of rows waiting lives long enough for the
 * garbage collector to promote it, and the old generation then grows to several times what is live.
 *
 * Line numbers are counted here on the bytes (CRLF, CR and LF each end one line, inside quotes too; empty lines
 * count), since csv-parse counts a CRLF inside quotes as two lines.
 */
export async function* readRows(
  file: string,
  format: CsvFormat,
  columns: readonly string[],
  from: CsvPosition,
  highWaterMark = 64 * 1024,
): AsyncGenerator<CsvRow[]> {
  const core = (
    parse(parserOptions(format, { bom: from.position === 0, info: false, raw: false })) as unknown as {
      api: ParserCore;
    }
  ).api;
  const input = createReadStream(file, { start: from.position, highWaterMark });
  const width = columns.length;
  const nullValue = format.nullValue;
  const relax = format.relaxColumnCount;
  let row = from.row;
  /** Line breaks before `lastEnd`: the last line of the previous row. */
  let lines = from.line;
  /** Absolute position just after the previous row. */
  let lastEnd = from.position;
  let chunk: Buffer = Buffer.alloc(0);
  let chunkStart = from.position;
  /**
   * The bytes from `carryStart` to `chunkStart`, as the chunks they came in: the start of a row that began in an
   * earlier chunk. Kept as a list, since joining them at every chunk would copy a long row over and over.
   */
  let carry: Buffer[] = [];
  let carryStart = from.position;
  /** Whether the carry may hold a CR. */
  let carryCR = false;
  let prevCR = false;
  let out: CsvRow[] = [];

  // Scanned per row, over [lastEnd, end): empty lines before the row, and breaks within it.
  let leading = 0;
  let breaks = 0;
  let content = false;
  let endsWithBreak = false;
  /** Whether the chunk being parsed (or the carry) holds a CR; without one, breaks are found by indexOf. */
  let withCR = false;
  const scan = (buf: Buffer, start: number, stop: number) => {
    if (stop <= start) return;
    if (!withCR) {
      let cursor = start;
      let p = buf.indexOf(LF, start);
      while (p !== -1 && p < stop) {
        if (p === cursor && !content) leading++;
        else {
          content = true;
          breaks++;
        }
        cursor = p + 1;
        p = cursor < stop ? buf.indexOf(LF, cursor) : -1;
      }
      if (cursor < stop) content = true;
      endsWithBreak = buf[stop - 1] === LF;
      prevCR = false;
      return;
    }
    for (let i = start; i < stop; i++) {
      const b = buf[i];
      if (b === LF || b === CR) {
        if (b === CR || !prevCR) {
          if (content) breaks++;
          else leading++;
        }
        prevCR = b === CR;
        endsWithBreak = true;
      } else {
        prevCR = false;
        content = true;
        endsWithBreak = false;
      }
    }
  };
  /** Calls `fn` with each part of the carry (absolute positions `start` to `stop`) as a buffer and a range. */
  const eachCarried = (start: number, stop: number, fn: (buf: Buffer, from: number, to: number) => void) => {
    let at = carryStart;
    for (const part of carry) {
      const partEnd = at + part.length;
      if (partEnd > start && at < stop) fn(part, Math.max(start, at) - at, Math.min(stop, partEnd) - at);
      at = partEnd;
    }
  };
  const bytesOf = (start: number, stop: number): Buffer => {
    if (start >= chunkStart) return chunk.subarray(start - chunkStart, stop - chunkStart);
    const parts: Buffer[] = [];
    eachCarried(start, stop, (buf, a, b) => parts.push(buf.subarray(a, b)));
    if (stop > chunkStart) parts.push(chunk.subarray(0, stop - chunkStart));
    return Buffer.concat(parts);
  };

  const push = (record: string[]) => {
    const end = from.position + core.info.bytes;
    leading = 0;
    breaks = 0;
    content = false;
    endsWithBreak = false;
    if (lastEnd < chunkStart) {
      // csv-parse may hold a record back until it sees more input: it can end before this chunk.
      eachCarried(lastEnd, end, scan);
      if (end > chunkStart) scan(chunk, 0, end - chunkStart);
    } else {
      scan(chunk, lastEnd - chunkStart, end - chunkStart);
    }
    const startLine = lines + leading + 1;
    const line = startLine + breaks - (endsWithBreak ? 1 : 0);
    const start = lastEnd;
    lines += leading + breaks;
    lastEnd = end;
    row += 1;
    const at: CsvPosition = { position: end, line, row };
    if (record.length !== width && !(relax && record.length > 0)) {
      const raw = bytesOf(start, end)
        .toString(format.encoding)
        .replace(/^[\r\n]+/, '')
        .replace(/(\r\n|\r|\n)$/, '');
      const reason = `expected ${width} columns, found ${record.length}`;
      out.push({ ok: false, line: startLine, row, end: at, reason, raw });
      return;
    }
    // The parser's array is ours: its empty cells and null markers become null in place.
    const cells = record as (string | null)[];
    for (let i = 0; i < cells.length; i++) {
      const v = cells[i];
      if (v === '' || v === nullValue) cells[i] = null;
    }
    for (let i = cells.length; i < width; i++) cells.push(null);
    out.push({ ok: true, line: startLine, row, end: at, cells });
  };
  const failed = (err: Error) => {
    const e = err as Error & { code?: string; lines?: number };
    // csv-parse stops at a malformed record (an unclosed quote): nothing after it can be trusted to split rightly.
    return Object.assign(new Error(`line ${from.line + (e.lines ?? 0)}: ${e.message}`), {
      code: e.code,
      cause: err,
    });
  };
  const noop = () => {};

  try {
    for await (const next of input as AsyncIterable<Buffer>) {
      chunk = next;
      const chunkCR = chunk.indexOf(CR) !== -1;
      withCR = chunkCR || (lastEnd < chunkStart && carryCR);
      const err = core.parse(chunk, false, push, noop);
      // Keep the unfinished row's bytes: a bad row's text may start in this chunk.
      const chunkEnd = chunkStart + chunk.length;
      if (lastEnd < chunkStart) {
        const kept: Buffer[] = [];
        eachCarried(lastEnd, chunkStart, (buf, a, b) => kept.push(buf.subarray(a, b)));
        kept.push(chunk);
        carry = kept;
        carryCR ||= chunkCR;
      } else {
        carry = lastEnd < chunkEnd ? [chunk.subarray(lastEnd - chunkStart)] : [];
        carryCR = chunkCR;
      }
      carryStart = lastEnd;
      chunkStart = chunkEnd;
      chunk = Buffer.alloc(0);
      if (out.length > 0) {
        const batch = out;
        out = [];
        yield batch;
      }
      if (err) throw failed(err);
    }
    withCR = carryCR;
    const err = core.parse(undefined, true, push, noop);
    if (out.length > 0) yield out;
    if (err) throw failed(err);
  } finally {
    input.destroy();
  }
}
