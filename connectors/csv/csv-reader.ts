import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { type Options as ParseOptions, parse } from 'csv-parse';

const LINE_BREAK = /\r\n|\r|\n/g;

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
}

/** Where reading resumes: the byte just after the last row handed out, and that row's line. */
export interface CsvPosition {
  position: number;
  line: number;
  row: number;
}

export type CsvRow =
  | { ok: true; line: number; row: number; end: CsvPosition; cells: Record<string, string | null> }
  | { ok: false; line: number; row: number; end: CsvPosition; reason: string; raw: string };

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
 * Streams the rows of `file` from `from` on: a row that does not fit (wrong column count, a quoting error) comes out
 * as `ok: false` with its line and reason instead of stopping the file, so the caller can dead-letter it.
 * Memory stays flat: csv-parse works on the stream's chunks.
 */
export async function* readRows(
  file: string,
  format: CsvFormat,
  columns: readonly string[],
  from: CsvPosition,
  highWaterMark = 1 << 20,
): AsyncGenerator<CsvRow> {
  const parser = parse(parserOptions(format, { bom: from.position === 0 }));
  const input = createReadStream(file, { start: from.position, highWaterMark });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  let line = from.line;
  let row = from.row;
  let consumed = from.position;
  const nullValue = format.nullValue;
  try {
    for await (const { record, info, raw } of parser as AsyncIterable<{
      record: string[];
      raw: string;
      info: { bytes: number; lines: number };
    }>) {
      const startLine = line + 1;
      // Count line breaks in the raw text ourselves: csv-parse counts a CRLF inside quotes as two lines.
      const body = raw.replace(/(\r\n|\r|\n)$/, '');
      line = startLine + (body.match(LINE_BREAK)?.length ?? 0);
      row += 1;
      consumed = from.position + info.bytes;
      const end = { position: consumed, line, row };
      if (record.length !== columns.length && !(format.relaxColumnCount && record.length > 0)) {
        yield {
          ok: false,
          line: startLine,
          row,
          end,
          reason: `expected ${columns.length} columns, found ${record.length}`,
          raw: raw.replace(/\r?\n$/, ''),
        };
        continue;
      }
      const cells: Record<string, string | null> = {};
      for (let i = 0; i < columns.length; i++) {
        const v = record[i];
        cells[columns[i]] =
          v === undefined || v === '' || (nullValue !== undefined && v === nullValue) ? null : v;
      }
      yield { ok: true, line: startLine, row, end, cells };
    }
  } catch (err) {
    const e = err as { code?: string; message: string; lines?: number };
    // csv-parse stops at a malformed record (an unclosed quote): nothing after it can be trusted to split rightly.
    throw Object.assign(new Error(`line ${from.line + (e.lines ?? 0)}: ${e.message}`), {
      code: e.code,
      cause: err,
    });
  } finally {
    input.destroy();
  }
}
