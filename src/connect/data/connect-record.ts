import type { Schema } from './schema.js';

/** A header as Connect sees it: a key and a typed value (after the header converter, before it on the way out). */
export interface ConnectHeader {
  key: string;
  value: unknown;
  /** Null when the value is schemaless. */
  schema?: Schema | null;
}

/**
 * A record inside the Connect runtime: key and value as data (not bytes) with optional schemas. Transforms and
 * tasks see these; converters turn them into bytes on the way to a topic and back on the way out.
 */
export interface ConnectRecord {
  topic: string;
  /** The partition to write to (source) or read from (sink); null or undefined lets the producer choose. */
  kafkaPartition?: number | null;
  keySchema?: Schema | null;
  key: unknown;
  valueSchema?: Schema | null;
  /** Null is a tombstone. */
  value: unknown;
  /** Milliseconds since the epoch; null or undefined when unknown. */
  timestamp?: number | null;
  headers?: ConnectHeader[];
}

/** JSON-like data naming where a source record came from (a file, a table) and how far along it is. */
export type SourceMap = Record<string, string | number | boolean | null>;

/**
 * A record produced by a source task. `sourcePartition` identifies the input stream (`{filename: '/var/log/a'}`)
 * and `sourceOffset` the position just after this record in it (`{position: 4096}`): after a restart, the task is
 * given the last committed offset for each partition and must resume just after it.
 */
export interface SourceRecord extends ConnectRecord {
  sourcePartition: SourceMap;
  sourceOffset: SourceMap;
}

/** A record delivered to a sink task, with the topic-partition and offset it was read from. */
export interface SinkRecord extends ConnectRecord {
  kafkaPartition: number;
  kafkaOffset: number;
  /** The original topic and partition, before transforms may have rerouted the record. */
  originalTopic?: string;
  originalKafkaPartition?: number;
  originalKafkaOffset?: number;
}

/** True for a record delivered to a sink (it has a Kafka offset). */
export function isSinkRecord(record: ConnectRecord): record is SinkRecord {
  return typeof (record as SinkRecord).kafkaOffset === 'number';
}

/** A copy of `record` with some fields replaced: transforms use it so other fields (source offsets) carry over. */
export function withFields<R extends ConnectRecord>(record: R, changes: Partial<ConnectRecord>): R {
  return { ...record, ...changes };
}
