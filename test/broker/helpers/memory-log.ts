import type { BrokerLog } from '../../../src/broker/index.js';
import { TopicExistsError, UnknownPartitionError, UnknownTopicError } from '../../../src/errors.js';
import type {
  AppendOptions,
  AppendResult,
  ReadOptions,
  ReadResult,
  TopicConfig,
} from '../../../src/log/index.js';

/**
 * An in-memory stand-in for the segment log, for tests of the broker's protocol handling alone: it keeps each
 * partition's batches in an array, stamps base offsets as the real log does, and wakes long polls on append.
 * Interop tests use the real log.
 */
export class MemoryLog implements BrokerLog {
  private readonly topics = new Map<string, { batches: Buffer[]; next: number; start: number }[]>();
  private readonly configs = new Map<string, Partial<TopicConfig>>();
  private readonly waiters = new Set<() => void>();

  async createTopic(name: string, options: { partitions?: number; config?: Partial<TopicConfig> }) {
    if (this.topics.has(name)) throw new TopicExistsError(name);
    const n = options.partitions ?? 1;
    this.topics.set(
      name,
      Array.from({ length: n }, () => ({ batches: [], next: 0, start: 0 })),
    );
    this.configs.set(name, options.config ?? {});
  }
  async deleteTopic(name: string) {
    this.get(name);
    this.topics.delete(name);
  }
  listTopics() {
    return [...this.topics.keys()].sort();
  }
  hasTopic(name: string) {
    return this.topics.has(name);
  }
  describeTopic(name: string) {
    return { name, partitions: this.get(name).length, config: this.configs.get(name) as TopicConfig };
  }
  async alterTopicConfig(name: string, set: Partial<TopicConfig>) {
    this.get(name);
    this.configs.set(name, set);
  }
  async createPartitions(name: string, total: number) {
    const parts = this.get(name);
    while (parts.length < total) parts.push({ batches: [], next: 0, start: 0 });
  }
  async appendBatches(
    topic: string,
    partition: number,
    batches: Buffer,
    _o?: AppendOptions,
  ): Promise<AppendResult> {
    const p = this.part(topic, partition);
    const baseOffset = p.next;
    for (let at = 0; at < batches.length; ) {
      const size = 12 + batches.readInt32BE(at + 8);
      const batch = Buffer.from(batches.subarray(at, at + size));
      batch.writeBigInt64BE(BigInt(p.next), 0);
      p.next += batch.readInt32BE(23) + 1;
      p.batches.push(batch);
      at += size;
    }
    for (const wake of [...this.waiters]) wake();
    return { baseOffset, lastOffset: p.next - 1, logAppendTime: -1 };
  }
  async read(topic: string, partition: number, offset: number, o: ReadOptions = {}): Promise<ReadResult> {
    const p = this.part(topic, partition);
    const collect = () => {
      const out: Buffer[] = [];
      let size = 0;
      for (const b of p.batches) {
        const last = Number(b.readBigInt64BE(0)) + b.readInt32BE(23);
        if (last < offset) continue;
        if (out.length > 0 && size + b.length > (o.maxBytes ?? Number.POSITIVE_INFINITY)) break;
        out.push(b);
        size += b.length;
      }
      return Buffer.concat(out);
    };
    let records = collect();
    if (records.length === 0 && (o.maxWaitMs ?? 0) > 0 && !o.signal?.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          o.signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, o.maxWaitMs);
        this.waiters.add(done);
        o.signal?.addEventListener('abort', done);
      });
      records = collect();
    }
    return { records, highWatermark: p.next, logStartOffset: p.start };
  }
  offsets(topic: string, partition: number) {
    const p = this.part(topic, partition);
    return { logStartOffset: p.start, highWatermark: p.next };
  }
  async offsetForTime(topic: string, partition: number, timestamp: number) {
    const p = this.part(topic, partition);
    const b = p.batches.find((x) => Number(x.readBigInt64BE(35)) >= timestamp);
    return b ? Number(b.readBigInt64BE(0)) : null;
  }
  async deleteRecords(topic: string, partition: number, before: number) {
    const p = this.part(topic, partition);
    p.start = before === -1 ? p.next : before;
    return p.start;
  }

  private get(name: string) {
    const t = this.topics.get(name);
    if (!t) throw new UnknownTopicError(name);
    return t;
  }
  private part(topic: string, partition: number) {
    const t = this.get(topic);
    if (!t[partition]) throw new UnknownPartitionError(topic, partition, t.length);
    return t[partition];
  }
}
