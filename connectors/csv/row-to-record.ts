import {
  type ConnectHeader,
  DataError,
  JsonBytes,
  optional,
  primitive,
  type Schema,
  Schemas,
  type SourceRecord,
  type SourceTaskContext,
  type TaskLogger,
} from '../../src/connect/index.js';
import type { CsvSourceTaskConfig } from './config.js';
import type { CsvPosition, CsvRow } from './csv-reader.js';
import { CellError, type CellValue, convertCells, type FieldSpec } from './field-types.js';
import type { ClaimedFile } from './spool-directory.js';

/** Headers every row carries, so a consumer can trace a record to its file and line. */
export const CsvHeaders = {
  file: 'sluice.csv.file',
  line: 'sluice.csv.line',
  lastModified: 'sluice.csv.last.modified',
  reason: 'sluice.csv.error',
} as const;

/** A file being read: what its rows need to become records, and how far it was handed out. */
export interface OpenFile {
  file: ClaimedFile;
  fields: FieldSpec[];
  /** Makes a row's value from its converted cells, in field order (see {@link objectBuilder}). */
  build: (values: ArrayLike<CellValue>) => Record<string, CellValue>;
  /** The converted cells of the row being made, reused from row to row. */
  values: CellValue[];
  schema: Schema;
  /** The source partition of every record of the file: one object, which the runtime keys by identity. */
  partition: { file: string };
  /** The headers every row of the file shares (file name, last-modified time). */
  fileHeaders: ConnectHeader[];
  keySchema: Schema | null;
  rows: AsyncGenerator<CsvRow[]>;
  /** The rows read and not handed out yet, from `next` on. */
  pending: CsvRow[];
  next: number;
  /** Offset of the last row handed out, or the resume point. */
  last: CsvPosition;
  /** Whether this run handed out any row of the file (else its committed offset is already at its end). */
  handed: boolean;
}

/**
 * Whether the parsing thread may write a file's values as the JSON converter's bytes: when the runtime hands values
 * to that converter untouched, and no key is made of them.
 */
export function jsonRows(c: CsvSourceTaskConfig, context: SourceTaskContext): boolean {
  return context.valueFormat === 'json' && c['key.fields'].length === 0;
}

/** The Connect schema of a column. */
export function schemaOf(field: FieldSpec): Schema {
  const base: Record<FieldSpec['type'], Schema> = {
    string: Schemas.STRING,
    int: Schemas.INT32,
    long: Schemas.INT64,
    float: Schemas.FLOAT32,
    double: Schemas.FLOAT64,
    boolean: Schemas.BOOLEAN,
    decimal: primitive('string', { parameters: { 'sluice.type': 'decimal' } }),
    date: Schemas.DATE,
    timestamp: Schemas.TIMESTAMP,
  };
  return field.nullable ? optional(base[field.type]) : base[field.type];
}

/**
 * One row as a record: typed by the file's fields and keyed by `key.fields`, or, for a row that does not parse or
 * fit, a dead-letter record with the row's text and a header saying why (unless errors.tolerance=none, which
 * throws). Both carry the file, line and last-modified headers, and the row's end as source offset.
 */
export function rowToRecord(
  open: OpenFile,
  row: CsvRow,
  c: CsvSourceTaskConfig,
  logger: TaskLogger,
): SourceRecord {
  const headers: ConnectHeader[] = [
    open.fileHeaders[0]!,
    { key: CsvHeaders.line, value: row.line, schema: Schemas.INT64 },
    open.fileHeaders[1]!,
  ];
  let reason: string | undefined;
  let value: Record<string, CellValue> | undefined;
  if (row.ok && row.json !== undefined) {
    // Typed and written as the JSON converter's bytes by the thread that parsed it: keyless (see `jsonRows`).
    return {
      topic: c.topic,
      key: null,
      keySchema: null,
      value: new JsonBytes(row.json),
      valueSchema: open.schema,
      headers,
      sourcePartition: open.partition,
      sourceOffset: row.end,
    };
  }
  if (row.ok && row.cells === null) {
    // Typed by the thread that parsed it.
    value = row.value;
  } else if (row.ok) {
    try {
      convertCells(open.fields, row.cells, open.values);
      value = open.build(open.values);
    } catch (err) {
      if (!(err instanceof CellError)) throw err;
      reason = err.message;
      value = undefined;
    }
  } else {
    reason = row.reason;
  }
  if (value === undefined) {
    const why = `${open.file.name} line ${row.line}: ${reason}`;
    if (c['errors.tolerance'] === 'none')
      throw new DataError(`${why} (errors.tolerance=none stops the task)`);
    logger.warn({ file: open.file.name, line: row.line, reason }, 'bad row sent to the dead-letter topic');
    return {
      topic: c['errors.deadletterqueue.topic.name'] ?? `${c.topic}-dlq`,
      key: null,
      // A typed row always has a value: a row reaching here has its cells.
      value: row.ok ? row.cells!.map((v) => v ?? '').join(c['csv.separator.char']) : row.raw,
      valueSchema: Schemas.STRING,
      headers: [...headers, { key: CsvHeaders.reason, value: reason ?? 'unknown', schema: Schemas.STRING }],
      sourcePartition: open.partition,
      sourceOffset: row.end,
    };
  }
  const keyFields = c['key.fields'];
  const key =
    keyFields.length === 0
      ? null
      : keyFields.length === 1
        ? value[keyFields[0]!]
        : Object.fromEntries(keyFields.map((k) => [k, value[k]]));
  return {
    topic: c.topic,
    key,
    keySchema: open.keySchema,
    value,
    valueSchema: open.schema,
    headers,
    sourcePartition: open.partition,
    sourceOffset: row.end,
  };
}
