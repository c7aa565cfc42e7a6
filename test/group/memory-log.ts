import { UnknownPartitionError, UnknownTopicError } from '../../src/errors.js';
import type { CoordinatorLog, StoredRecord } from '../../src/group/index.js';

/**
 * An in-memory stand-in for the segment log with the calls the coordinator makes, so the coordinator's tests run
 * without disk. `failAppends` makes every append reject, to exercise the coordinator's error paths.
 */
export class MemoryLog implements CoordinatorLog {
  readonly topics = new Map<string, StoredRecord[][]>();
  failAppends = false;

  hasTopic(name: string): boolean {
    return this.topics.has(name);
  }

  async createTopic(name: string, options: { partitions: number }): Promise<void> {
    this.topics.set(
      name,
      Array.from({ length: options.partitions }, () => []),
    );
  }

  async append(topic: string, partition: number, records: { key: Buffer | null; value: Buffer | null }[]) {
    if (this.failAppends) throw new Error('disk full');
    const log = this.partition(topic, partition);
    for (const r of records) log.push({ offset: log.length, key: r.key, value: r.value });
  }

  async readRecords(topic: string, partition: number, offset: number) {
    const log = this.partition(topic, partition);
    const records = log.slice(offset, offset + 7); // small pages, so replay crosses page boundaries
    return { records, nextOffset: offset + records.length, highWatermark: log.length };
  }

  describeTopic(name: string) {
    const partitions = this.topics.get(name);
    if (!partitions) throw new UnknownTopicError(name);
    return { partitions: partitions.length };
  }

  offsets(topic: string, partition: number) {
    return { logStartOffset: 0, highWatermark: this.partition(topic, partition).length };
  }

  /** Appends `count` empty records to a user topic, so commits have offsets to point at. */
  fill(topic: string, partitions: number, count: number): void {
    if (!this.topics.has(topic))
      this.topics.set(
        topic,
        Array.from({ length: partitions }, () => []),
      );
    for (const log of this.topics.get(topic)!) {
      for (let i = 0; i < count; i++) log.push({ offset: log.length, key: null, value: Buffer.alloc(0) });
    }
  }

  private partition(topic: string, partition: number): StoredRecord[] {
    const partitions = this.topics.get(topic);
    if (!partitions) throw new UnknownTopicError(topic);
    const log = partitions[partition];
    if (!log) throw new UnknownPartitionError(topic, partition, partitions.length);
    return log;
  }
}
