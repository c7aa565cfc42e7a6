import type { Header } from '../../client/index.js';
import type { SourceRecord } from '../data/connect-record.js';

/** Where in the pipeline an operation failed; Kafka's `Stage` names, as they appear in `__connect.errors.stage`. */
export type ErrorStage =
  | 'KEY_CONVERTER'
  | 'VALUE_CONVERTER'
  | 'HEADER_CONVERTER'
  | 'TRANSFORMATION'
  | 'TASK_PUT'
  | 'TASK_POLL'
  | 'KAFKA_PRODUCE'
  | 'KAFKA_CONSUME';

/** A record as a sink read it from a topic, bytes unchanged. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp?: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Header[];
}

/** The record a failure concerns: consumed bytes (sinks) or a record a source task produced. */
export type FailedRecord = { consumed: ConsumedRecord } | { source: SourceRecord };

export interface ErrorReport {
  stage: ErrorStage;
  /** What ran: a converter name, a transform alias and type, the task. */
  executing: string;
  error: unknown;
  record: FailedRecord;
  /** How many times the operation ran, retries included. */
  attempts: number;
}

/** Receives failures after retries gave up: a log, a dead-letter topic. */
export interface ErrorReporter {
  report(report: ErrorReport): Promise<void>;
}

/** A short description of a failed record's coordinates, for messages and logs. */
export function describeRecord(record: FailedRecord): string {
  if ('consumed' in record) {
    const c = record.consumed;
    return `record ${c.topic}-${c.partition}@${c.offset}`;
  }
  return `record for topic "${record.source.topic}" at source offset ${JSON.stringify(record.source.sourceOffset)}`;
}
