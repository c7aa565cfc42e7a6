// A small in-memory stand-in for the segment log, for unit tests of the embedded client's flow control that do not
// need disk. It keeps the log's contract where the client relies on it: offsets, long polls, offset range errors.

import type { EmbeddedLog, ReadRecordsResult } from '../../../src/client/embedded/embedded-log.js';
import {
  OffsetOutOfRangeError,
  TopicExistsError,
  UnknownPartitionError,
  UnknownTopicError,
} from '../../../src/errors.js';
import {
  decodeBatches,
  finishRecordBatch,
  type RecordsBuilder,
} from '../../../src/log/codec/record-batch.js';
import type {
  AppendRecord,
  LogRecord,
  ReadOptions,
  TopicConfig,
  TopicDescription,
} from '../../../src/log/types.js';

export class MemoryLog implements EmbeddedLog {
  readonly topics = new Map<
    string,
    { partitions: { start: number; records: LogRecord[] }[]; config: TopicConfig }
  >();
  private waiters: (() => void)[] = [];
  appends = 0;

  hasTopic(name: string): boolean {
    return this.topics.has(name);
  }
  listTopics(): string[] {
    return [...this.topics.keys()];
  }
  partitionCount(name: string): number | undefined {
    return this.topics.get(name)?.partitions.length;
  }
  describeTopic(name: string): TopicDescription {
    const t = this.topic(name);
    return { name, partitions: t.partitions.length, config: t.config };
  }
  async createTopic(
    name: string,
    options: { partitions: number; config?: Partial<TopicConfig> },
  ): Promise<void> {
    if (this.topics.has(name)) throw new TopicExistsError(name);
    const partitions = Array.from({ length: options.partitions }, () => ({
      start: 0,
      records: [] as LogRecord[],
    }));
    this.topics.set(name, { partitions, config: { ...(options.config ?? {}) } as TopicConfig });
  }
  async deleteTopic(name: string): Promise<void> {
    this.topic(name);
    this.topics.delete(name);
  }
  alterTopicConfig(name: string, set: Partial<TopicConfig>): void {
    Object.assign(this.topic(name).config, set);
  }
  createPartitions(name: string, total: number): void {
    const t = this.topic(name);
    while (t.partitions.length < total) t.partitions.push({ start: 0, records: [] });
  }
  async append(
    topic: string,
    partition: number,
    records: {
      key?: Buffer | null;
      value: Buffer | null;
      timestamp?: number;
      headers?: AppendRecord['headers'];
    }[],
  ) {
    const p = this.partition(topic, partition);
    const baseOffset = p.start + p.records.length;
    for (const r of records) {
      p.records.push({
        offset: p.start + p.records.length,
        timestamp: r.timestamp ?? Date.now(),
        key: r.key ?? null,
        value: r.value,
        headers: r.headers ?? [],
      });
    }
    this.appends++;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
    return { baseOffset, lastOffset: baseOffset + records.length - 1, logAppendTime: -1 };
  }
  /** A built batch is finished and decoded as the log would store it, so producer tests run that path too. */
  appendBuilt(topic: string, partition: number, batch: RecordsBuilder) {
    const records = decodeBatches(finishRecordBatch(batch));
    return this.append(topic, partition, records);
  }
  async readRecords(
    topic: string,
    partition: number,
    offset: number,
    options: ReadOptions = {},
  ): Promise<ReadRecordsResult> {
    const p = this.partition(topic, partition);
    const end = () => p.start + p.records.length;
    if (offset < p.start || offset > end())
      throw new OffsetOutOfRangeError(topic, partition, offset, p.start, end());
    if (offset === end() && (options.maxWaitMs ?? 0) > 0 && !options.signal?.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.maxWaitMs);
        options.signal?.addEventListener('abort', () => resolve(), { once: true });
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const records: LogRecord[] = [];
    let bytes = 0;
    for (let o = offset; o < end() && (records.length === 0 || bytes < (options.maxBytes ?? 1 << 20)); o++) {
      const r = p.records[o - p.start];
      records.push(r);
      bytes += (r.value?.length ?? 0) + 20;
    }
    return { records, nextOffset: offset + records.length, highWatermark: end(), logStartOffset: p.start };
  }
  offsets(topic: string, partition: number) {
    const p = this.partition(topic, partition);
    return { logStartOffset: p.start, highWatermark: p.start + p.records.length };
  }
  offsetForTime(topic: string, partition: number, timestamp: number): number | null {
    const p = this.partition(topic, partition);
    return p.records.find((r) => r.timestamp >= timestamp)?.offset ?? null;
  }
  deleteRecords(topic: string, partition: number, before: number): void {
    const p = this.partition(topic, partition);
    p.records.splice(0, before - p.start);
    p.start = before;
  }
  async close(): Promise<void> {}

  private topic(name: string) {
    const t = this.topics.get(name);
    if (!t) throw new UnknownTopicError(name);
    return t;
  }
  private partition(topic: string, partition: number) {
    const t = this.topic(topic);
    const p = t.partitions[partition];
    if (!p) throw new UnknownPartitionError(topic, partition, t.partitions.length);
    return p;
  }
}
