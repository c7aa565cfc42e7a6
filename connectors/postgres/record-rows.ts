import { DataError, type Schema, type SinkRecord } from '../../src/connect/index.js';
import type { SinkConfig } from './config.js';

/** What one sink record asks of its table: write a row (insert, upsert or update by mode), or delete one. */
export interface RowChange {
  kind: 'write' | 'delete';
  /** Column → value; for a delete, just the key columns. */
  values: Record<string, unknown>;
  /** Connect schema of each column, when the record had one (auto.create uses it). */
  schemas: Map<string, Schema>;
  /** The primary key columns this record names (empty with pk.mode=none). */
  key: string[];
}

function isStruct(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Date) &&
    !(value instanceof Map)
  );
}

function where(record: SinkRecord): string {
  return `topic ${JSON.stringify(record.topic)} partition ${record.kafkaPartition} offset ${record.kafkaOffset}`;
}

function fieldSchemas(schema: Schema | null | undefined, into: Map<string, Schema>): void {
  for (const f of schema?.fields ?? []) into.set(f.name, f.schema);
}

/** The key columns and their values, from the record key (record_key) or the value (record_value). */
function keyOf(record: SinkRecord, c: SinkConfig, schemas: Map<string, Schema>): Record<string, unknown> {
  const fields = c['pk.fields'];
  if (c['pk.mode'] === 'record_value') {
    const value = record.value;
    if (!isStruct(value)) return {};
    const names = fields.length > 0 ? fields : Object.keys(value);
    return Object.fromEntries(names.map((n) => [n, value[n]]));
  }
  if (c['pk.mode'] !== 'record_key') return {};
  if (isStruct(record.key)) {
    fieldSchemas(record.keySchema, schemas);
    const key = record.key;
    const names = fields.length > 0 ? fields : Object.keys(key);
    return Object.fromEntries(names.map((n) => [n, key[n]]));
  }
  if (record.key === null || record.key === undefined) {
    throw new DataError(`record at ${where(record)} has no key, and pk.mode=record_key needs one`);
  }
  if (fields.length !== 1) {
    throw new DataError(
      `record at ${where(record)} has a primitive key; pk.fields must name exactly one column for it`,
    );
  }
  if (record.keySchema) schemas.set(fields[0]!, record.keySchema);
  return { [fields[0]!]: record.key };
}

/** The change a record asks for, or null for a tombstone the config ignores (delete.enabled=false). */
export function rowChange(record: SinkRecord, c: SinkConfig): RowChange | null {
  const schemas = new Map<string, Schema>();
  if (record.value === null || record.value === undefined) {
    if (!c['delete.enabled']) return null;
    const key = keyOf(record, c, schemas);
    return { kind: 'delete', values: key, schemas, key: Object.keys(key) };
  }
  if (!isStruct(record.value)) {
    throw new DataError(
      `record at ${where(record)} has a ${typeof record.value} value; the sink needs a struct or object ` +
        '(wrap it with the HoistField transform)',
    );
  }
  const key = keyOf(record, c, schemas);
  fieldSchemas(record.valueSchema, schemas);
  // Key columns from the value are already in it; only a record key adds columns (the value is never mutated).
  const values = c['pk.mode'] === 'record_key' ? { ...record.value, ...key } : record.value;
  for (const name in key) {
    if (key[name] === null || key[name] === undefined) {
      throw new DataError(
        `record at ${where(record)} has no value for primary key column ${JSON.stringify(name)}`,
      );
    }
  }
  return { kind: 'write', values, schemas, key: Object.keys(key) };
}
