import type { AppendRecord, AppendResult } from '../../log/types.js';

/** Who waits for a queued record: the `send` call it came from, and its index in that call. */
export interface RecordOwner {
  acknowledged(index: number, offset: number, timestamp: number): void;
  failed(error: unknown): void;
}

interface OpenBatch {
  topic: string;
  partition: number;
  records: AppendRecord[];
  owners: RecordOwner[];
  indexes: number[];
  bytes: number;
  timer: NodeJS.Timeout | undefined;
}

export type AppendBatch = (
  topic: string,
  partition: number,
  records: AppendRecord[],
) => Promise<AppendResult>;

/**
 * Collects records per partition and appends each partition's records as whole batches: when a batch reaches
 * `batchSize` bytes, or `lingerMs` after its first record. Appends of one partition run one after another, so
 * records keep the order they were added in. `bufferMemory` bounds the bytes queued or being appended; `add`
 * callers check {@link RecordAccumulator.hasRoom} and await {@link RecordAccumulator.room} when it is full.
 */
export class RecordAccumulator {
  private readonly open = new Map<string, OpenBatch>();
  private readonly chains = new Map<string, Promise<void>>();
  private buffered = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly appendBatch: AppendBatch,
    private readonly lingerMs: number,
    private readonly batchSize: number,
    private readonly bufferMemory: number,
    /** Told when a partition's batch is sealed, so a keyless partitioner can move on. */
    private readonly onSealed: (topic: string, partition: number) => void = () => {},
  ) {}

  /** True when `bytes` more fit. An empty buffer always has room, so one oversized record cannot wait forever. */
  hasRoom(bytes: number): boolean {
    return this.buffered === 0 || this.buffered + bytes <= this.bufferMemory;
  }

  /** Resolves when `bytes` more fit. */
  async room(bytes: number): Promise<void> {
    while (!this.hasRoom(bytes)) {
      this.sealAll();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  add(
    topic: string,
    partition: number,
    record: AppendRecord,
    bytes: number,
    owner: RecordOwner,
    index: number,
  ): void {
    const key = `${topic}\u0000${partition}`;
    let batch = this.open.get(key);
    if (!batch) {
      batch = { topic, partition, records: [], owners: [], indexes: [], bytes: 0, timer: undefined };
      this.open.set(key, batch);
      const sealing = batch;
      // linger 0 still gathers what one event-loop turn adds (one `send` call), as Kafka's sender thread does.
      batch.timer = setTimeout(() => this.seal(key, sealing), this.lingerMs);
    }
    batch.records.push(record);
    batch.owners.push(owner);
    batch.indexes.push(index);
    batch.bytes += bytes;
    this.buffered += bytes;
    if (batch.bytes >= this.batchSize) this.seal(key, batch);
  }

  /** Seals every open batch and resolves once everything queued so far is appended (or failed). */
  async flush(): Promise<void> {
    this.sealAll();
    await Promise.all([...this.chains.values()]);
  }

  /** Bytes queued or being appended. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  private sealAll(): void {
    for (const [key, batch] of this.open) this.seal(key, batch);
  }

  private seal(key: string, batch: OpenBatch): void {
    if (this.open.get(key) !== batch) return;
    this.open.delete(key);
    clearTimeout(batch.timer);
    this.onSealed(batch.topic, batch.partition);
    const previous = this.chains.get(key) ?? Promise.resolve();
    const chain = previous.then(() => this.write(batch));
    this.chains.set(key, chain);
    void chain.then(() => {
      if (this.chains.get(key) === chain) this.chains.delete(key);
    });
  }

  private async write(batch: OpenBatch): Promise<void> {
    try {
      const result = await this.appendBatch(batch.topic, batch.partition, batch.records);
      const appendTime = result.logAppendTime;
      for (let i = 0; i < batch.records.length; i++) {
        const timestamp = appendTime >= 0 ? appendTime : (batch.records[i].timestamp ?? Date.now());
        batch.owners[i].acknowledged(batch.indexes[i], result.baseOffset + i, timestamp);
      }
    } catch (error) {
      for (const owner of new Set(batch.owners)) owner.failed(error);
    } finally {
      this.buffered -= batch.bytes;
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    }
  }
}
