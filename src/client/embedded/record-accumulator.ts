import { RecordsBuilder } from '../../log/codec/record-batch.js';
import type { AppendRecord, AppendResult } from '../../log/types.js';

/** Who waits for queued records: the `send` call they came from. */
export interface RecordOwner {
  /**
   * Records `index .. index + count - 1` of the call were appended, the first at `firstOffset`; `appendTime` is
   * the log's time for LogAppendTime topics, else -1.
   */
  acknowledged(index: number, count: number, firstOffset: number, appendTime: number): void;
  failed(error: unknown): void;
}

/** Consecutive records of one batch that came from one `send` call, in the order of that call. */
interface OwnerRun {
  owner: RecordOwner;
  /** The index of the run's first record within its `send` call. */
  index: number;
  count: number;
}

interface OpenBatch {
  key: string;
  topic: string;
  partition: number;
  /** The records, or when the backend takes built batches, the batch they are written into as they are added. */
  records: AppendRecord[] | RecordsBuilder;
  runs: OwnerRun[];
  bytes: number;
  timer: NodeJS.Timeout | undefined;
  sealed: boolean;
}

export type AppendBatch = (
  topic: string,
  partition: number,
  records: AppendRecord[],
) => Promise<AppendResult>;

/** Appends a batch built as its records were added. */
export type AppendBuilt = (topic: string, partition: number, batch: RecordsBuilder) => Promise<AppendResult>;

/**
 * Collects records per partition and appends each partition's records as whole batches: when a batch reaches
 * `batchSize` bytes, or `lingerMs` after its first record. Appends of one partition run one after another, so
 * records keep the order they were added in. `bufferMemory` bounds the bytes queued or being appended; `add`
 * callers check {@link RecordAccumulator.hasRoom} and await {@link RecordAccumulator.room} when it is full.
 *
 * The per-record work is kept to pushes: a record usually goes to the same partition as the one before it (sticky
 * partitioning, or one keyed partition per call), so the last batch is remembered, and who waits for a record is
 * kept as runs of consecutive records rather than per record. With `appendBuilt`, a record is encoded into its
 * batch when it is added, so no record object outlives `add`.
 */
export class RecordAccumulator {
  private readonly open = new Map<string, OpenBatch>();
  private readonly chains = new Map<string, Promise<void>>();
  private last: OpenBatch | undefined;
  private buffered = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly appendBatch: AppendBatch,
    private readonly lingerMs: number,
    private readonly batchSize: number,
    private readonly bufferMemory: number,
    /** Told when a partition's batch is sealed, so a keyless partitioner can move on. */
    private readonly onSealed: (topic: string, partition: number) => void = () => {},
    /**
     * True when `appendBatch` places its records in the log before it returns (the embedded log writes
     * synchronously), so batches of one partition may be appended while earlier ones still wait for their fsync:
     * order is kept by the order of the calls. Otherwise each append of a partition waits for the one before.
     */
    private readonly pipelined = false,
    /** Takes batches built record by record; when given, `appendBatch` is not used. */
    private readonly appendBuilt?: AppendBuilt,
  ) {}

  /** True when `bytes` more fit. An empty buffer always has room, so one oversized record cannot wait forever. */
  hasRoom(bytes: number): boolean {
    return this.buffered === 0 || this.buffered + bytes <= this.bufferMemory;
  }

  /** True when `bytes` more fit within `bufferMemory` (an empty buffer included). */
  fits(bytes: number): boolean {
    return this.buffered + bytes <= this.bufferMemory;
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
    let batch = this.last;
    if (batch === undefined || batch.sealed || batch.partition !== partition || batch.topic !== topic) {
      batch = this.batchFor(topic, partition);
      this.last = batch;
    }
    // As Kafka's producer does, a record that would take a batch past batch.size goes into the next one: a batch
    // only outgrows batch.size when it holds a single record that does.
    if (batch.bytes > 0 && batch.bytes + bytes > this.batchSize) {
      this.seal(batch);
      batch = this.batchFor(topic, partition);
      this.last = batch;
    }
    const records = batch.records;
    if (records instanceof RecordsBuilder) {
      // The timestamp is the producer's: it stamps every record it queues.
      records.add(record.key, record.value, record.headers, record.timestamp!);
    } else records.push(record);
    const run = batch.runs[batch.runs.length - 1];
    if (run !== undefined && run.owner === owner && run.index + run.count === index) run.count++;
    else batch.runs.push({ owner, index, count: 1 });
    batch.bytes += bytes;
    this.buffered += bytes;
    if (batch.bytes >= this.batchSize) this.seal(batch);
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

  private batchFor(topic: string, partition: number): OpenBatch {
    const key = `${topic}\u0000${partition}`;
    let batch = this.open.get(key);
    if (!batch) {
      const records = this.appendBuilt ? new RecordsBuilder(this.builderCapacity()) : [];
      batch = { key, topic, partition, records, runs: [], bytes: 0, timer: undefined, sealed: false };
      this.open.set(key, batch);
      const sealing = batch;
      // linger 0 still gathers what one event-loop turn adds (one `send` call), as Kafka's sender thread does.
      batch.timer = setTimeout(() => this.seal(sealing), this.lingerMs);
    }
    return batch;
  }

  /** Room a new built batch starts with: a full batch, up to 64 KiB (a larger one grows as it fills). */
  private builderCapacity(): number {
    return Math.min(this.batchSize, 64 * 1024) + 128;
  }

  private sealAll(): void {
    for (const batch of this.open.values()) this.seal(batch);
  }

  private seal(batch: OpenBatch): void {
    if (batch.sealed) return;
    batch.sealed = true;
    const key = batch.key;
    this.open.delete(key);
    clearTimeout(batch.timer);
    this.onSealed(batch.topic, batch.partition);
    const previous = this.chains.get(key);
    let chain: Promise<void>;
    if (previous === undefined) chain = this.write(batch);
    else if (this.pipelined) {
      // Appended now; the chain still settles in order, so `flush` waits for every earlier batch too.
      const written = this.write(batch);
      chain = previous.then(() => written);
    } else chain = previous.then(() => this.write(batch));
    this.chains.set(key, chain);
    void chain.then(() => {
      if (this.chains.get(key) === chain) this.chains.delete(key);
    });
  }

  private async write(batch: OpenBatch): Promise<void> {
    try {
      const records = batch.records;
      const appended =
        records instanceof RecordsBuilder
          ? this.appendBuilt!(batch.topic, batch.partition, records)
          : this.appendBatch(batch.topic, batch.partition, records);
      // The backend has the records now (the log encoded them already): don't keep them alive until the ack.
      batch.records = [];
      const result = await appended;
      let at = 0;
      for (const run of batch.runs) {
        run.owner.acknowledged(run.index, run.count, result.baseOffset + at, result.logAppendTime);
        at += run.count;
      }
    } catch (error) {
      for (const owner of new Set(batch.runs.map((r) => r.owner))) owner.failed(error);
    } finally {
      this.buffered -= batch.bytes;
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    }
  }
}
