import type { SourceMap, SourceRecord } from '../../src/connect/index.js';
import type { CdcSourceConfig } from './config.js';
import { type ValueParser, valueParser } from './pg-values.js';
import { type TupleColumn, UNCHANGED } from './pgoutput.js';

/**
 * Debezium-shaped change events. The value is the envelope
 * `{ before, after, source: { version, connector, name, ts_ms, snapshot, db, schema, table, txId, lsn }, op, ts_ms }`
 * with `op` c (insert), u (update), d (delete), r (snapshot read) or t (truncate); the key is the row's primary key
 * as an object (null for a table without one); the topic `<topic.prefix>.<schema>.<table>`. With
 * `extract.new.record.state` the value is just the new row (deletes: the tombstone alone).
 *
 * A TOASTed column an update did not change is not sent by the server; it appears as
 * {@link UNAVAILABLE_VALUE}, never as null, so a consumer cannot mistake it for a cleared value.
 */
export const UNAVAILABLE_VALUE = '__sluice_unavailable_value';

/** A table as the change stream describes it, with a value parser per column. */
export interface CapturedTable {
  schema: string;
  table: string;
  topic: string;
  columns: { name: string; isKey: boolean; parse: ValueParser }[];
  /** Names of the primary key (replica identity) columns; empty for a table without one. */
  keyColumns: string[];
}

export function capturedTable(
  prefix: string,
  schema: string,
  table: string,
  columns: { name: string; typeOid: number; isKey: boolean }[],
): CapturedTable {
  return {
    schema,
    table,
    topic: `${prefix}.${schema}.${table}`,
    columns: columns.map((c) => ({ name: c.name, isKey: c.isKey, parse: valueParser(c.typeOid) })),
    keyColumns: columns.filter((c) => c.isKey).map((c) => c.name),
  };
}

export type Op = 'c' | 'u' | 'd' | 'r' | 't';

export interface EventSource {
  db: string;
  tsMs: number;
  snapshot: 'true' | 'last' | 'false';
  txId: number | null;
  lsn: bigint;
}

export function rowOf(table: CapturedTable, tuple: readonly TupleColumn[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  const columns = table.columns;
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    const v = tuple[i];
    row[c.name] = v === null || v === undefined ? null : v === UNCHANGED ? UNAVAILABLE_VALUE : c.parse(v);
  }
  return row;
}

export function keyOf(
  table: CapturedTable,
  row: Record<string, unknown> | null,
): Record<string, unknown> | null {
  if (table.keyColumns.length === 0 || !row) return null;
  const key: Record<string, unknown> = {};
  for (const name of table.keyColumns) key[name] = row[name];
  return key;
}

/** The records for one change: the event, and a tombstone after a delete when the config asks for one. */
export function changeRecords(
  config: CdcSourceConfig,
  table: CapturedTable,
  op: Op,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  source: EventSource,
  partition: SourceMap,
  offset: SourceMap,
): SourceRecord[] {
  const key = keyOf(table, after ?? before);
  const record = (value: unknown): SourceRecord => ({
    topic: table.topic,
    key,
    value,
    sourcePartition: partition,
    sourceOffset: offset,
    timestamp: source.tsMs,
  });
  const tombstone = op === 'd' && config['tombstones.on.delete'];
  if (config['extract.new.record.state']) {
    if (op === 't') return [];
    if (op === 'd') return tombstone ? [record(null)] : [];
    return [record(after)];
  }
  const value = {
    before,
    after,
    source: {
      version: '0.1.0',
      connector: 'postgresql',
      name: config['topic.prefix'],
      ts_ms: source.tsMs,
      snapshot: source.snapshot,
      db: source.db,
      schema: table.schema,
      table: table.table,
      txId: source.txId,
      lsn: Number(source.lsn),
    },
    op,
    ts_ms: Date.now(),
  };
  return tombstone ? [record(value), record(null)] : [record(value)];
}
