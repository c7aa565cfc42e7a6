import { CorruptRecordError, LogClosedError, OffsetOutOfRangeError, RecordTooLargeError } from '../errors.js';
import { AppendWaiters } from './append-waiters.js';
import { encodeRecordBatch, finishRecordBatch, RecordsBuilder } from './codec/record-batch.js';
import { FileDescriptorsExhaustedError } from './descriptor-cache.js';
import { fsyncDir } from './fs-util.js';
import { GroupCommit } from './group-commit.js';
import { stampIncomingBatches } from './incoming-batches.js';
import { type CleanResult, cleanPartition } from './log-cleaner.js';
import type { OpenState, PartitionContext, PartitionRead, PartitionReadOptions } from './partition-state.js';
import { needsRecompressing, recompressBatches, storedCodec } from './recompress-batches.js';
import { segmentsToDelete } from './retention.js';
import { offsetAfter, Segment } from './segment.js';
import { SegmentList, shouldRoll } from './segment-list.js';
import { loadPartitionDir, type OffsetGap } from './segment-loader.js';
import { PartitionTxnWriter } from './txn/partition-txn-writer.js';
import type { PartitionTxns } from './txn/partition-txns.js';
import { batchesBefore } from './txn/read-committed.js';
import type { Acks, AppendRecord, AppendResult, CompressionType, TopicConfig } from './types.js';

/** Kafka's default fetch size per partition. */
const DEFAULT_MAX_BYTES = 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * One partition: its segments, the offsets, appends (serialized: they are synchronous positional writes), reads
 * with long poll, group-committed fsyncs, retention and deleteRecords.
 */
export class PartitionLog {
  readonly segments: SegmentList;
  logStartOffset: number;
  /** Every offset below this is on stable storage. */
  recoveryPoint: number;
  /** True when open found and cut a torn or corrupt tail, or re-validated segments that must be fsynced. */
  readonly needsFlush: boolean;
  /** Offsets below this have been compacted; segments from here on are dirty. */
  cleanedUpTo: number;
  /** Open and aborted transactions: the last stable offset, and what read_committed readers skip. */
  readonly txns: PartitionTxns;
  /** Transactional batches and commit/abort markers. */
  private readonly txnWriter: PartitionTxnWriter;
  private cleaning: Promise<CleanResult | null> | null = null;
  private readonly commit = new GroupCommit(() => this.syncAll());
  private readonly waiters = new AppendWaiters();
  private unflushedRecords = 0;
  private lastFlushAt: number;
  private dirDirty = false;
  private isClosed = false;
  private closing: Promise<void> | null = null;
  private failure: unknown = undefined;
  /** Offsets no segment holds though the topic is not compacted (a deleted segment file): reads of them fail. */
  private missing: readonly OffsetGap[] = [];

  private constructor(
    private readonly ctx: PartitionContext,
    segments: Segment[],
    state: OpenState,
    needsFlush: boolean,
  ) {
    this.segments = new SegmentList(segments);
    const end = this.nextOffset;
    if (state.logStartOffset > end) {
      // Never written by the log (its start never passes its end): a damaged checkpoint would hide every record.
      ctx.logger.error(
        { topic: ctx.topic, partition: ctx.partition, checkpoint: state.logStartOffset, end },
        `log-start-offset-checkpoint says ${ctx.topic}-${ctx.partition} starts at ${state.logStartOffset}, past its end ${end}; ignoring it`,
      );
    }
    const start = state.logStartOffset > end ? 0 : state.logStartOffset;
    this.logStartOffset = Math.min(Math.max(start, this.segments.first.baseOffset), end);
    this.recoveryPoint = needsFlush ? Math.min(state.recoveryPoint, end) : end;
    this.needsFlush = needsFlush;
    this.cleanedUpTo = state.cleanedUpTo ?? 0;
    this.lastFlushAt = ctx.now();
    this.txnWriter = new PartitionTxnWriter(
      {
        ...ctx,
        nextOffset: () => this.nextOffset,
        active: () => this.active,
        write: (batches, records, config, now) => this.write(batches, records, config, now),
        acknowledge: (result, acks, config) => this.acknowledge(result, acks, config),
        sync: () => this.commit.sync(),
      },
      segments,
    );
    this.txns = this.txnWriter.txns;
  }

  /**
   * Opens (or creates) the partition directory. After an unclean stop, every segment that may hold offsets at or
   * past the recovery point is re-validated; the first invalid byte ends the log, and later segments are deleted.
   */
  static open(ctx: PartitionContext, state: OpenState): PartitionLog {
    const config = ctx.config();
    const { segments, verified, created, repaired, gaps } = loadPartitionDir(ctx.dir, {
      interval: config['index.interval.bytes'],
      recoveryPoint: state.recoveryPoint,
      logStartOffset: state.logStartOffset,
      clean: state.clean,
      contiguous: !config['cleanup.policy'].includes('compact'),
      logger: ctx.logger,
    });
    const partition = new PartitionLog(ctx, segments, state, verified || created || repaired);
    partition.dirDirty = created;
    // Compaction leaves holes below where it cleaned, even if the topic is no longer compacted.
    partition.missing = gaps.filter((g) => g.from >= (state.cleanedUpTo ?? 0));
    return partition;
  }

  get topic(): string {
    return this.ctx.topic;
  }

  get partition(): number {
    return this.ctx.partition;
  }

  get active(): Segment {
    return this.segments.active;
  }

  /** The offset the next record gets: log end offset and, on one node, the high watermark. */
  get nextOffset(): number {
    return this.active.nextOffset;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The first offset of the oldest open transaction, or the log end: read_committed readers stop here. */
  get lastStableOffset(): number {
    return this.txnWriter.lastStableOffset;
  }

  /** Share of the non-active bytes not compacted yet, and how many bytes that is. */
  dirtiness(): { ratio: number; dirtyBytes: number } {
    return this.segments.dirtiness(this.cleanedUpTo);
  }

  /** Compacts the partition now (see {@link cleanPartition}); one cleaning at a time. */
  compact(): Promise<CleanResult | null> {
    this.ensureOpen();
    this.cleaning ??= cleanPartition({
      ...this.ctx,
      segments: this.segments,
      closed: () => this.isClosed,
      lastStableOffset: () => this.lastStableOffset,
      isAborted: (producerId, offset) => this.txns.isAborted(producerId, offset),
    })
      .then((result) => {
        if (result) this.cleanedUpTo = Math.max(this.cleanedUpTo, result.cleanedUpTo);
        return result;
      })
      .finally(() => {
        this.cleaning = null;
      });
    return this.cleaning;
  }

  get size(): number {
    return this.segments.bytes;
  }

  /**
   * Encodes `records` into one batch and appends it, in the producer's codec `compression` unless the topic's
   * `compression.type` names another. `records` may be a batch built as its records were added (a
   * {@link RecordsBuilder}); the log writes its header.
   */
  append(
    records: readonly AppendRecord[] | RecordsBuilder,
    acks: Acks | undefined,
    transaction?: { producerId: number; producerEpoch: number },
    compression: CompressionType = 'none',
  ): Promise<AppendResult> {
    this.ensureOpen();
    const config = this.ctx.config();
    const now = this.ctx.now();
    const logAppendTime = config['message.timestamp.type'] === 'LogAppendTime';
    const baseOffset = this.nextOffset;
    const result = { baseOffset, lastOffset: baseOffset - 1, logAppendTime: logAppendTime ? now : -1 };
    const built = records instanceof RecordsBuilder;
    const count = built ? records.count : records.length;
    if (count === 0) return Promise.resolve(result);
    const options = {
      baseOffset,
      now,
      producerId: transaction?.producerId ?? -1,
      producerEpoch: transaction?.producerEpoch ?? -1,
      baseSequence: -1,
      transactional: transaction !== undefined,
      control: false,
      logAppendTime,
      compression: storedCodec(config['compression.type'], compression),
      reuseBuffer: true, // written out below, synchronously, and not kept
    };
    const batch = built ? finishRecordBatch(records, options) : encodeRecordBatch(records, options);
    if (batch.length > config['max.message.bytes']) {
      throw new RecordTooLargeError(batch.length, config['max.message.bytes'], this.topic);
    }
    this.write(batch, count, config, now);
    // The transaction is open here before anything can acknowledge the batch.
    if (transaction) this.txns.dataAppended(transaction.producerId, baseOffset);
    result.lastOffset = this.nextOffset - 1;
    return this.acknowledge(result, acks, config);
  }

  /**
   * Verifies client-built batches, stamps their base offsets in place, and appends them as they are, or encoded
   * again in the topic's codec when its `compression.type` is not `producer` (recompress-batches.ts).
   */
  appendBatches(batches: Buffer, acks: Acks | undefined): Promise<AppendResult> {
    this.ensureOpen();
    const config = this.ctx.config();
    const now = this.ctx.now();
    const baseOffset = this.nextOffset;
    const limit = config['max.message.bytes'];
    const appendTime = config['message.timestamp.type'] === 'LogAppendTime' ? now : -1;
    const stamped = stampIncomingBatches(batches, baseOffset, limit, this.topic, this.partition, appendTime);
    const result = { baseOffset, lastOffset: stamped.nextOffset - 1, logAppendTime: appendTime };
    if (batches.length === 0) return Promise.resolve(result);
    const topicCodec = config['compression.type'];
    if (topicCodec !== 'producer') {
      const codec = storedCodec(topicCodec, 'none');
      if (needsRecompressing(batches, codec)) batches = recompressBatches(batches, codec, limit, this.topic);
    }
    this.write(batches, stamped.records, config, now);
    return this.acknowledge(result, acks, config);
  }

  /** Ends producer `producerId`'s transaction with a marker: see {@link PartitionTxnWriter.writeMarker}. */
  writeMarker(
    producerId: number,
    producerEpoch: number,
    commit: boolean,
    firstOffset: number,
  ): Promise<void> {
    this.ensureOpen();
    return this.txnWriter.writeMarker(producerId, producerEpoch, commit, firstOffset);
  }

  /** Whole batches from `offset` on; waits per `options` when there are fewer than `minBytes`. */
  async read(offset: number, options: PartitionReadOptions = {}): Promise<PartitionRead> {
    this.ensureOpen();
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const maxWait = options.maxWaitMs ?? 0;
    const minBytes = options.minBytes ?? 1;
    const deadline = Date.now() + maxWait;
    for (;;) {
      this.checkRange(offset);
      if (this.missing.length > 0) this.checkMissing(offset);
      const end = options.committed ? this.lastStableOffset : this.nextOffset;
      let records =
        offset < end ? await this.segments.read(offset, maxBytes, () => this.checkRange(offset)) : EMPTY;
      if (options.committed && records.length > 0) records = batchesBefore(records, end);
      const left = deadline - Date.now();
      if (records.length >= minBytes || left <= 0 || options.signal?.aborted || this.isClosed) {
        // Nothing from `offset` to the end it had when the read began: a gap compaction left at the end.
        const next = records.length === 0 ? end : Math.max(offset, offsetAfter(records));
        return { records, highWatermark: this.nextOffset, logStartOffset: this.logStartOffset, next };
      }
      await this.waiters.wait(left, options.signal);
    }
  }

  /** First offset at or after the log start whose timestamp is >= `timestamp`, or null. */
  async offsetForTime(timestamp: number): Promise<number | null> {
    this.ensureOpen();
    return this.segments.offsetForTime(timestamp, this.logStartOffset);
  }

  /** Moves the log start offset up to `beforeOffset` (-1: the high watermark) and deletes segments below it. */
  deleteRecords(beforeOffset: number): number {
    this.ensureOpen();
    const end = this.nextOffset;
    const target = beforeOffset === -1 ? end : beforeOffset;
    if (target < 0 || target > end) {
      throw new OffsetOutOfRangeError(this.topic, this.partition, beforeOffset, this.logStartOffset, end);
    }
    if (target <= this.logStartOffset) return this.logStartOffset;
    this.logStartOffset = target;
    // Everything is deleted: start a new segment so that the old active one can go too.
    if (target === end && this.active.size > 0) this.roll();
    this.removeOldSegments(this.ctx.config(), this.ctx.now(), true);
    return this.logStartOffset;
  }

  /** Deletes segments per the retention settings; returns how many went. */
  applyRetention(): number {
    if (this.isClosed) return 0;
    return this.removeOldSegments(this.ctx.config(), this.ctx.now(), false);
  }

  /** fsyncs everything appended so far (shared with concurrent callers) and writes pending index entries. */
  flush(): Promise<void> {
    this.ensureOpen();
    return this.commit.sync();
  }

  /** Applies `flush.ms`: fsyncs when unflushed records are older than it. */
  maybeFlushByTime(): Promise<void> | undefined {
    if (this.isClosed || this.unflushedRecords === 0) return undefined;
    if (this.ctx.now() - this.lastFlushAt < this.ctx.config()['flush.ms']) return undefined;
    return this.commit.sync();
  }

  /** Flushes, fsyncs the indexes and closes the files. Idempotent; after a failure it only releases the files. */
  close(): Promise<void> {
    this.closing ??= this.release();
    return this.closing;
  }

  private async release(): Promise<void> {
    this.isClosed = true;
    this.waiters.notify();
    await this.commit.idle();
    await this.cleaning?.catch(() => {});
    try {
      if (this.failure === undefined) {
        await this.syncAll();
        await this.active.persistIndexes(true);
      }
    } finally {
      for (const segment of this.segments.all) segment.close();
    }
  }

  /** Marks the partition failed (another partition's fsync failed) and wakes its readers. */
  abort(err: unknown): void {
    if (this.failure === undefined) this.failure = err;
    this.isClosed = true;
    this.waiters.notify();
  }

  private write(batches: Buffer, records: number, config: TopicConfig, now: number): void {
    let segment = this.active;
    if (segment.size > 0 && shouldRoll(segment, this.nextOffset, batches.length, config, now))
      segment = this.roll();
    const empty = segment.size === 0;
    // Out of descriptors fails this append only; a failed write after it is fatal.
    segment.prepareWrite();
    try {
      segment.append(batches, config['index.interval.bytes']);
    } catch (err) {
      this.fail(err);
    }
    // segment.ms counts from the first append, not from a producer's (possibly old) timestamp.
    if (empty) segment.firstTimestamp = Math.max(segment.firstTimestamp, now);
    this.unflushedRecords += records;
    this.waiters.notify();
  }

  private async acknowledge(
    result: AppendResult,
    acks: Acks | undefined,
    config: TopicConfig,
  ): Promise<AppendResult> {
    if (acks === -1 || acks === 'all' || this.unflushedRecords >= config['flush.messages'])
      await this.commit.sync();
    return result;
  }

  /** Starts a new active segment at the log end; the old one is fsynced in the background, as Kafka does. */
  private roll(): Segment {
    this.active.deactivate();
    const segment = Segment.create(this.ctx.dir, this.nextOffset);
    this.segments.add(segment);
    this.dirDirty = true;
    this.commit.sync().catch(() => {});
    return segment;
  }

  private removeOldSegments(config: TopicConfig, now: number, startOnly: boolean): number {
    const policy: TopicConfig = startOnly ? { ...config, 'cleanup.policy': 'compact' } : config;
    const n = segmentsToDelete(this.segments.all, policy, this.logStartOffset, now);
    if (n === 0) return 0;
    const removed = this.segments.removeOldest(n);
    this.logStartOffset = Math.max(this.logStartOffset, this.segments.first.baseOffset);
    this.txns.dropBefore(this.logStartOffset);
    for (const segment of removed) segment.delete();
    this.dirDirty = true;
    this.ctx.logger.info(
      { topic: this.topic, partition: this.partition, segments: n, logStartOffset: this.logStartOffset },
      'deleted old segments',
    );
    return n;
  }

  /** The group-commit body: fsync every segment with unsynced bytes, then the directory, then advance. */
  private async syncAll(): Promise<void> {
    if (this.failure !== undefined)
      throw new LogClosedError(`partition ${this.topic}-${this.partition}`, this.failure);
    const target = this.nextOffset;
    this.unflushedRecords = 0;
    this.lastFlushAt = this.ctx.now();
    const active = this.active;
    // The fsyncs of one round run side by side: the round costs about one fsync, not one per file.
    const syncs = this.segments.syncUnsynced(active);
    const dirDirty = this.dirDirty;
    if (dirDirty) {
      this.dirDirty = false;
      syncs.push(fsyncDir(this.ctx.dir));
    }
    try {
      await active.persistIndexes(false);
      await Promise.all(syncs);
    } catch (err) {
      // No descriptor to sync with: nothing was lost, the next commit tries again.
      if (err instanceof FileDescriptorsExhaustedError) {
        this.dirDirty ||= dirDirty;
        throw err;
      }
      this.fail(err);
    }
    if (target > this.recoveryPoint) this.recoveryPoint = target;
  }

  private fail(err: unknown): never {
    this.abort(err);
    this.ctx.onFatal(err);
    throw new LogClosedError(`partition ${this.topic}-${this.partition}`, err);
  }

  private checkRange(offset: number): void {
    if (offset < this.logStartOffset || offset > this.nextOffset || !Number.isInteger(offset)) {
      throw new OffsetOutOfRangeError(
        this.topic,
        this.partition,
        offset,
        this.logStartOffset,
        this.nextOffset,
      );
    }
  }

  private checkMissing(offset: number): void {
    const gap = this.missing.find((g) => offset >= g.from && offset <= g.to);
    if (!gap) return;
    throw new CorruptRecordError(
      `offsets ${gap.from} to ${gap.to} of ${this.topic}-${this.partition} are missing: no segment in ${this.ctx.dir} holds them (a segment file was deleted?); the log goes on at offset ${gap.to + 1}`,
      { file: this.ctx.dir, nextOffset: gap.to + 1 },
    );
  }

  private ensureOpen(): void {
    if (this.isClosed) throw new LogClosedError(`partition ${this.topic}-${this.partition}`, this.failure);
  }
}
