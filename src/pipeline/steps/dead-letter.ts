import type { OperatorFunction } from 'rxjs';
import {
  currentContext,
  type ProcessingContext,
  Serdes,
  type StreamRecord,
  stageOperator,
} from '../../streams/index.js';

export type AnyRecord = StreamRecord<unknown, unknown>;

/** Headers a dead-lettered record carries, so a reader knows what failed, where and why. */
export const DeadLetterHeaders = {
  reason: 'sluice.error.reason',
  step: 'sluice.error.step',
  topic: 'sluice.error.topic',
  partition: 'sluice.error.partition',
  offset: 'sluice.error.offset',
} as const;

/**
 * A per-record step that may fail for one record (an expression meeting a value of the wrong type) without
 * failing the pipeline: the failing record goes to `deadLetterTopic` with the reason in its headers, and the
 * stream goes on. Without a dead-letter topic the error fails the stream, naming the step and the record.
 */
export function perRecord(
  step: string,
  deadLetterTopic: string | undefined,
  apply: (record: AnyRecord, emit: (record: AnyRecord) => void, context: ProcessingContext) => void,
): OperatorFunction<AnyRecord, AnyRecord> {
  // A fused stage (see RecordStream): consecutive steps run as one chain of calls per record, with no RxJS
  // subscriber, Observable or emit closure per step.
  return stageOperator((output) => {
    const context = currentContext();
    const emit = output.next;
    return {
      next: (record: AnyRecord) => {
        try {
          apply(record, emit, context);
        } catch (err) {
          deadLetter(step, deadLetterTopic, context, record, err, output.error);
        }
      },
    };
  });
}

/** Sends `record` to the dead-letter topic with why `step` failed on it, or (without one) fails the stream. */
function deadLetter(
  step: string,
  deadLetterTopic: string | undefined,
  context: ProcessingContext,
  record: AnyRecord,
  err: unknown,
  fail: (error: unknown) => void,
): void {
  const reason = err instanceof Error ? err.message : String(err);
  const where = `${record.topic}-${record.partition}@${record.offset}`;
  if (deadLetterTopic === undefined) {
    fail(new Error(`step ${step} failed on record ${where}: ${reason}`, { cause: err }));
    return;
  }
  const json = Serdes.json<unknown>();
  context.send(deadLetterTopic, {
    key: json.serialize(record.key, deadLetterTopic),
    value: json.serialize(record.value, deadLetterTopic),
    timestamp: record.timestamp,
    headers: [
      ...record.headers,
      { key: DeadLetterHeaders.reason, value: Buffer.from(reason) },
      { key: DeadLetterHeaders.step, value: Buffer.from(step) },
      { key: DeadLetterHeaders.topic, value: Buffer.from(record.topic) },
      { key: DeadLetterHeaders.partition, value: Buffer.from(String(record.partition)) },
      { key: DeadLetterHeaders.offset, value: Buffer.from(String(record.offset)) },
    ],
  });
}
