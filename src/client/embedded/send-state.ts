import type { RecordMetadata } from '../records.js';
import type { RecordOwner } from './record-accumulator.js';

/** The records of one `send` call in flight: resolves with their metadata once the last is acknowledged. */
export class SendState implements RecordOwner {
  readonly metadata: RecordMetadata[];
  readonly done: Promise<RecordMetadata[]>;
  private remaining: number;
  private resolve!: (metadata: RecordMetadata[]) => void;
  private reject!: (error: unknown) => void;
  private settled = false;

  constructor(
    readonly topics: string[],
    readonly partitions: number[],
    /** Each record's CreateTime, reported unless the topic uses LogAppendTime. */
    readonly timestamps: number[],
  ) {
    this.remaining = topics.length;
    this.metadata = new Array(topics.length);
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // A failure is also reported through `done`; this keeps an unawaited acks=0 send from crashing the process.
    this.done.catch(() => {});
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

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(this.metadata);
  }
}
