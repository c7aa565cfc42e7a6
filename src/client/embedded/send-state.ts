import type { AppendRecord } from '../../log/types.js';
import type { TopicMessages } from '../producer.js';
import type { RecordMetadata } from '../records.js';
import type { RecordOwner } from './record-accumulator.js';

/**
 * The records of one `send` call in flight: resolves with one {@link RecordMetadata} per record, in the order of the
 * call, once the last is acknowledged. The metadata are made at the acknowledgement, from what the call placed.
 */
export class SendState implements RecordOwner {
  readonly done: Promise<RecordMetadata[]>;
  private metadata: RecordMetadata[] = [];
  private topics: string[] = [];
  private partitions: Int32Array = new Int32Array(0);
  /** Each record's CreateTime, reported unless the topic uses LogAppendTime. */
  private timestamps: Float64Array = new Float64Array(0);
  private remaining = 0;
  private resolve!: (metadata: RecordMetadata[]) => void;
  private reject!: (error: unknown) => void;
  private settled = false;

  constructor() {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // A failure is also reported through `done`; this keeps an unawaited acks=0 send from crashing the process.
    this.done.catch(() => {});
  }

  /** What the call placed, before any of it is queued: the topic of each batch, each record's partition. */
  expect(
    batches: readonly TopicMessages<unknown, unknown>[],
    partitions: Int32Array,
    records: AppendRecord[],
  ): void {
    const topics: string[] = new Array(records.length);
    let at = 0;
    for (const { topic, messages } of batches) for (let i = 0; i < messages.length; i++) topics[at++] = topic;
    this.topics = topics;
    this.partitions = partitions;
    const timestamps = new Float64Array(records.length);
    for (let i = 0; i < records.length; i++) timestamps[i] = records[i]!.timestamp!;
    this.timestamps = timestamps;
    this.metadata = new Array(records.length);
    this.remaining = records.length;
    if (this.remaining === 0) this.finish();
  }

  acknowledged(index: number, count: number, firstOffset: number, appendTime: number): void {
    for (let i = 0; i < count; i++) {
      this.metadata[index + i] = {
        topic: this.topics[index + i]!,
        partition: this.partitions[index + i]!,
        offset: firstOffset + i,
        timestamp: appendTime >= 0 ? appendTime : this.timestamps[index + i]!,
      };
    }
    this.remaining -= count;
    if (this.remaining === 0) this.finish();
  }

  failed(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }

  /** The metadata of an acks=0 send: the log reports no offsets. */
  unacknowledged(): RecordMetadata[] {
    return Array.from(this.timestamps, (timestamp, i) => ({
      topic: this.topics[i]!,
      partition: this.partitions[i]!,
      offset: -1,
      timestamp,
    }));
  }

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(this.metadata);
  }
}

/**
 * The records of one `sendBatch` call in flight: resolves once all are acknowledged, counting them, with nothing
 * kept or made per record.
 */
export class BatchAck implements RecordOwner {
  readonly done: Promise<void>;
  private remaining = 0;
  private resolve!: () => void;
  private reject!: (error: unknown) => void;
  private settled = false;

  constructor() {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.done.catch(() => {});
  }

  expect(records: number): void {
    this.remaining = records;
    if (records === 0) this.finish();
  }

  acknowledged(_index: number, count: number): void {
    this.remaining -= count;
    if (this.remaining === 0) this.finish();
  }

  failed(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve();
  }
}
