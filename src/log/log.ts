import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import {
  InvalidPartitionsError,
  LogClosedError,
  TopicExistsError,
  UnknownPartitionError,
  UnknownTopicError,
} from '../errors.js';
import { decodeBatches, type RecordsBuilder } from './codec/record-batch.js';
import { descriptors } from './descriptor-cache.js';
import { every } from './every.js';
import { fsyncDir } from './fs-util.js';
import { LockFile } from './lock-file.js';
import { LogCheckpoints } from './log-checkpoints.js';
import type { CleanResult } from './log-cleaner.js';
import { applyRetention, compactDirty } from './log-maintenance.js';
import type { LogOptions } from './log-options.js';
import type { PartitionLog } from './partition-log.js';
import { alterOverrides, resolveTopicConfig } from './topic-config.js';
import { validateTopicName } from './topic-name.js';
import { describeTopic, TopicRegistry, type TopicState } from './topic-state.js';
import { type DamagedTopicFile, TopicStore } from './topic-store.js';
import { txnHostOf } from './txn/log-txn-host.js';
import { decodeCommitted } from './txn/read-committed.js';
import { TransactionCoordinator } from './txn/transaction-coordinator.js';
import type {
  AppendOptions,
  AppendRecord,
  AppendResult,
  LogRecord,
  PartitionOffsets,
  ReadOptions,
  ReadResult,
  TopicConfig,
  TopicDescription,
  TransactionalProducer,
} from './types.js';

/**
 * The durable segment log: topics of partitions, each a directory of segments in Apache Kafka's on-disk format.
 * One process owns a log directory at a time (a lock file); other processes reach it through `sluice broker`.
 *
 * Offsets within a partition are contiguous from 0 and never reused or renumbered (compaction leaves gaps).
 * An append resolves once its bytes are in the page cache, or with acks=all once they are fsynced; a failed fsync
 * closes the log for good (LogClosedError), because after one the kernel may have dropped the data.
 */
export class Log {
  readonly dir: string;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly defaults: Partial<TopicConfig>;
  private readonly topics: TopicRegistry;
  private readonly store: TopicStore;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly checkpoints: LogCheckpoints;
  private closing: Promise<void> | null = null;
  private failure: unknown = undefined;
  private readonly transactions: TransactionCoordinator;

  private constructor(
    private readonly options: LogOptions,
    private readonly lock: LockFile,
  ) {
    this.dir = path.resolve(options.dir);
    this.logger = options.logger ?? pino({ name: 'sluice-log' }, pino.destination(2));
    this.now = options.now ?? Date.now;
    this.defaults = options.defaults ?? {};
    this.topics = new TopicRegistry({
      dir: this.dir,
      defaults: this.defaults,
      now: this.now,
      logger: this.logger,
      onFatal: (err) => this.fail(err),
    });
    this.store = new TopicStore(this.dir);
    this.checkpoints = new LogCheckpoints(this.dir, this.logger);
    this.transactions = new TransactionCoordinator(
      txnHostOf({
        now: this.now,
        hasTopic: (name) => this.topics.has(name),
        ensureTopic: (name, options) => this.ensureTopic(name, options),
        partition: (topic, partition) => this.partition(topic, partition),
      }),
    );
  }

  /** Creates the directory if needed, takes its lock, loads every topic and recovers after an unclean stop. */
  static async open(options: LogOptions): Promise<Log> {
    resolveTopicConfig('(log defaults)', options.defaults ?? {}, {});
    if (options.maxOpenFiles !== undefined) descriptors.limit = Math.max(16, options.maxOpenFiles);
    fs.mkdirSync(options.dir, { recursive: true });
    const lock = LockFile.acquire(path.resolve(options.dir));
    const log = new Log(options, lock);
    try {
      await log.load();
    } catch (err) {
      for (const topic of log.topics.values()) for (const p of topic.partitions) p.abort(err);
      lock.release();
      throw err;
    }
    log.startBackgroundWork();
    return log;
  }

  async createTopic(
    name: string,
    options: { partitions?: number; config?: Partial<TopicConfig> } = {},
  ): Promise<TopicDescription> {
    this.ensureOpen();
    validateTopicName(name);
    if (this.topics.has(name)) throw new TopicExistsError(name);
    const partitions = options.partitions ?? this.options.defaultPartitions ?? 1;
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new InvalidPartitionsError(name, `needs at least 1 partition, asked for ${partitions}`);
    }
    const overrides = { ...(options.config ?? {}) };
    const state = this.topics.add({ name, partitions, config: overrides }, () => null);
    await fsyncDir(this.dir);
    await this.store.save({ name, partitions, config: overrides });
    return describeTopic(state);
  }

  async deleteTopic(name: string): Promise<void> {
    const state = this.topic(name);
    this.topics.delete(name);
    await Promise.all(state.partitions.map((p) => p.close()));
    await this.store.remove(name, state.partitions.length);
    await this.writeCheckpoints();
  }

  listTopics(): string[] {
    return [...this.topics.keys()].sort();
  }

  hasTopic(name: string): boolean {
    return this.topics.has(name);
  }

  /** The topic's partition count; undefined when there is no such topic. */
  partitionCount(name: string): number | undefined {
    return this.topics.get(name)?.partitions.length;
  }

  describeTopic(name: string): TopicDescription {
    return describeTopic(this.topic(name));
  }

  /** Sets and unsets overrides; takes effect for the next call on the topic and persists. ConfigError if invalid. */
  async alterTopicConfig(
    name: string,
    set: Partial<TopicConfig>,
    unset: (keyof TopicConfig)[] = [],
  ): Promise<TopicDescription> {
    const state = this.topic(name);
    const { overrides, config } = alterOverrides(name, this.defaults, state.overrides, set, unset);
    await this.store.save({ name, partitions: state.partitions.length, config: overrides });
    state.overrides = overrides;
    state.config = config;
    return describeTopic(state);
  }

  /** Grows the topic to `totalCount` partitions (never shrinks: that would lose records and move keys). */
  async createPartitions(name: string, totalCount: number): Promise<void> {
    const state = this.topic(name);
    const current = state.partitions.length;
    if (!Number.isInteger(totalCount) || totalCount <= current) {
      throw new InvalidPartitionsError(
        name,
        `has ${current} partitions; the new count must be larger, got ${totalCount}`,
      );
    }
    this.topics.grow(state, totalCount);
    await fsyncDir(this.dir);
    await this.store.save({ name, partitions: totalCount, config: state.overrides });
  }

  async append(
    topic: string,
    partition: number,
    records: readonly AppendRecord[] | RecordsBuilder,
    options?: AppendOptions,
  ): Promise<AppendResult> {
    const p = this.topics.partitionOf(topic, partition) ?? (await this.autoCreate(topic, partition));
    if (options?.transaction !== undefined) {
      const producer = options.transaction;
      await this.transactions.register(producer, topic, partition);
      // Checked again right before the write, with no await between: a fencing or an ending transaction since
      // the registration must not let this batch in after its markers.
      this.transactions.checkAppend(producer, topic, partition);
      return p.append(records, options.acks, producer, options.compression);
    }
    return p.append(records, options?.acks, undefined, options?.compression);
  }

  /** {@link Log.append} of a batch built record by record, as the embedded producer builds them. */
  appendBuilt(
    topic: string,
    partition: number,
    batch: RecordsBuilder,
    options?: AppendOptions,
  ): Promise<AppendResult> {
    return this.append(topic, partition, batch, options);
  }

  /**
   * The producer id and a new epoch for a transactional producer (Kafka's InitProducerId with a transactional
   * id). What an earlier producer with the same id left open is aborted first, and that producer is fenced: its
   * appends and commits fail with `PRODUCER_FENCED` from now on.
   */
  initTransactions(transactionalId: string): Promise<TransactionalProducer> {
    this.ensureOpen();
    return this.transactions.initProducer(transactionalId);
  }

  /**
   * Commits or aborts the producer's open transaction: a marker goes to every partition it wrote to, after the
   * decision is durable, so either all of its records become visible to read_committed readers or none does.
   * Appends of the transaction must have resolved before this is called.
   */
  endTransaction(producer: TransactionalProducer, commit: boolean): Promise<void> {
    this.ensureOpen();
    return this.transactions.end(producer, commit);
  }

  async appendBatches(
    topic: string,
    partition: number,
    batches: Buffer,
    options?: AppendOptions,
  ): Promise<AppendResult> {
    const p = this.topics.partitionOf(topic, partition) ?? (await this.autoCreate(topic, partition));
    return p.appendBatches(batches, options?.acks);
  }

  async read(topic: string, partition: number, offset: number, options?: ReadOptions): Promise<ReadResult> {
    const read = await this.partition(topic, partition).read(offset, options);
    return { records: read.records, highWatermark: read.highWatermark, logStartOffset: read.logStartOffset };
  }

  async readRecords(
    topic: string,
    partition: number,
    offset: number,
    options?: ReadOptions,
  ): Promise<{ records: LogRecord[]; nextOffset: number; highWatermark: number; logStartOffset: number }> {
    const p = this.partition(topic, partition);
    const committed = options?.isolationLevel === 'read_committed';
    const read = await p.read(offset, committed ? { ...options, committed: true } : options);
    const records =
      committed && !p.txns.idle
        ? decodeCommitted(read.records, offset, p.txns.abortedIn(offset, read.next))
        : decodeBatches(read.records, { fromOffset: offset, includeControl: false });
    return {
      records,
      nextOffset: read.next,
      highWatermark: read.highWatermark,
      logStartOffset: read.logStartOffset,
    };
  }

  offsets(topic: string, partition: number): PartitionOffsets {
    const p = this.partition(topic, partition);
    return {
      logStartOffset: p.logStartOffset,
      highWatermark: p.nextOffset,
      lastStableOffset: p.lastStableOffset,
    };
  }

  async offsetForTime(topic: string, partition: number, timestamp: number): Promise<number | null> {
    return this.partition(topic, partition).offsetForTime(timestamp);
  }

  /** Moves the log start offset to `beforeOffset` (-1: the end), deleting whole segments below it. */
  async deleteRecords(topic: string, partition: number, beforeOffset: number): Promise<number> {
    const start = this.partition(topic, partition).deleteRecords(beforeOffset);
    await this.writeCheckpoints();
    return start;
  }

  /** Applies retention to every partition now (the background task does this every retentionCheckIntervalMs). */
  async runRetention(): Promise<number> {
    this.ensureOpen();
    const deleted = applyRetention(this.topics.values());
    if (deleted > 0) await this.writeCheckpoints();
    return deleted;
  }

  /**
   * Compacts one partition now, whatever its dirty ratio (the background cleaner compacts partitions of
   * `cleanup.policy=compact` topics once `min.cleanable.dirty.ratio` of their bytes are dirty).
   */
  async compact(topic: string, partition: number): Promise<CleanResult | null> {
    const result = await this.partition(topic, partition).compact();
    await this.writeCheckpoints();
    return result;
  }

  /** Compacts every partition of a compacted topic whose dirty ratio reached `min.cleanable.dirty.ratio`. */
  async runCleaner(): Promise<number> {
    this.ensureOpen();
    const cleaned = await compactDirty(this.topics.values());
    if (cleaned > 0) await this.writeCheckpoints();
    return cleaned;
  }

  /** fsyncs every partition and writes the checkpoints. */
  async flush(): Promise<void> {
    this.ensureOpen();
    await Promise.all(this.topics.partitions().map((p) => p.flush()));
    await this.writeCheckpoints();
  }

  /** Flushes, writes checkpoints and the clean-shutdown marker, releases the lock. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    const failed = () => this.failure !== undefined;
    try {
      await Promise.all(this.topics.partitions().map((p) => p.close()));
      if (!failed()) {
        await this.writeCheckpoints();
        await this.checkpoints.markCleanShutdown();
      }
    } finally {
      this.lock.release();
    }
  }

  private async load(): Promise<void> {
    const stateOf = this.checkpoints.openStates();
    const damaged: DamagedTopicFile[] = [];
    for (const record of this.store.discover(this.dir, damaged).values()) {
      validateTopicName(record.name);
      this.topics.add(record, stateOf);
    }
    for (const d of damaged) {
      this.logger.error(
        { topic: d.topic, file: d.file, reason: d.reason },
        `topic ${d.topic} stays closed: ${d.reason}; every other topic is open (\`sluice log repair\` rebuilds the file from the partition directories)`,
      );
    }
    await this.checkpoints.clearCleanShutdown();
    const recovered = this.topics.partitions().filter((p) => p.needsFlush);
    await Promise.all(recovered.map((p) => p.flush()));
    if (recovered.length > 0) await this.writeCheckpoints();
    const { ended, skipped } = await this.transactions.recover();
    if (ended > 0) this.logger.warn({ transactions: ended }, 'ended transactions a stop left open');
    if (skipped.length > 0) {
      this.logger.warn(
        { topic: '__transaction_state', offsets: skipped },
        `skipped ${skipped.length} records of __transaction_state that do not decode`,
      );
    }
  }

  private fail(err: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = err;
    this.logger.fatal(
      { err, dir: this.dir },
      'write or fsync failed; the log is closed and must be reopened to recover',
    );
    for (const p of this.topics.partitions()) p.abort(err);
    void this.close();
  }

  private startBackgroundWork(): void {
    const onError = (err: unknown) => this.logger.error({ err }, 'background log task failed');
    let ticks = 0;
    const flushTick = async () => {
      await Promise.all(this.topics.partitions().map((p) => p.maybeFlushByTime()));
      if (++ticks % 60 === 0) await this.writeCheckpoints();
    };
    this.timers.push(
      ...[
        every(this.options.flushCheckIntervalMs ?? 1000, flushTick, onError),
        every(this.options.retentionCheckIntervalMs ?? 300_000, () => this.runRetention(), onError),
        every(this.options.cleanerIntervalMs ?? 15_000, () => this.runCleaner(), onError),
      ].filter((t) => t !== undefined),
    );
  }

  private writeCheckpoints(): Promise<void> {
    return this.checkpoints.write(this.topics.partitions());
  }

  private async autoCreate(topic: string, partition: number): Promise<PartitionLog> {
    if (this.options.autoCreateTopics) await this.ensureTopic(topic);
    return this.partition(topic, partition);
  }

  /** Creates the topic unless it exists; a creation racing this one is fine. */
  private async ensureTopic(
    name: string,
    options?: { partitions?: number; config?: Partial<TopicConfig> },
  ): Promise<void> {
    if (this.topics.has(name)) return;
    await this.createTopic(name, options).catch((err) => {
      if (!(err instanceof TopicExistsError)) throw err;
    });
  }

  private partition(topic: string, partition: number): PartitionLog {
    const state = this.topic(topic);
    const p = state.partitions[partition];
    if (!p) throw new UnknownPartitionError(topic, partition, state.partitions.length);
    return p;
  }

  private topic(name: string): TopicState {
    this.ensureOpen();
    const state = this.topics.get(name);
    if (!state) throw new UnknownTopicError(name);
    return state;
  }

  private ensureOpen(): void {
    if (this.failure !== undefined) throw new LogClosedError(`log ${this.dir}`, this.failure);
    if (this.closing) throw new LogClosedError(`log ${this.dir}`);
  }
}
