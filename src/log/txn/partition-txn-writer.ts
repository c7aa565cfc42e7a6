import { ControlType, encodeControlBatch } from '../codec/control-record.js';
import { stampBaseOffset } from '../codec/record-batch.js';
import type { Segment } from '../segment.js';
import type { Acks, AppendResult, TopicConfig } from '../types.js';
import { type AbortedTxn, appendAbortedTxn, readAbortedTxns } from './aborted-txn-index.js';
import { PartitionTxns } from './partition-txns.js';

/** The partition's append path, as the transactional writes use it. */
export interface TxnWriteTarget {
  readonly topic: string;
  /** The log end offset. */
  nextOffset(): number;
  /** The segment the next write goes to. */
  active(): Segment;
  config(): TopicConfig;
  now(): number;
  /** Appends encoded batches at the log end (rolling the segment when due) and wakes readers. */
  write(batches: Buffer, records: number, config: TopicConfig, now: number): void;
  /** Resolves `result` once `acks` and `flush.messages` are satisfied. */
  acknowledge(result: AppendResult, acks: Acks | undefined, config: TopicConfig): Promise<AppendResult>;
  /** Group-committed fsync of everything written so far. */
  sync(): Promise<void>;
}

/**
 * The transaction wiring of one partition: transactional batches, commit and abort markers, and the
 * {@link PartitionTxns} state they update (rebuilt from the segments' `.txnindex` files on open). The open
 * transaction is registered as soon as its first batch is written, before the append is acknowledged, so a
 * read_committed reader never sees its records past the last stable offset.
 */
export class PartitionTxnWriter {
  /** Open and aborted transactions: the last stable offset, and what read_committed readers skip. */
  readonly txns: PartitionTxns;

  constructor(
    private readonly target: TxnWriteTarget,
    segments: readonly Segment[],
  ) {
    const aborted: AbortedTxn[] = [];
    for (const segment of segments) aborted.push(...readAbortedTxns(segment.txnIndexFile));
    this.txns = new PartitionTxns(aborted);
  }

  /** The first offset of the oldest open transaction, or the log end: read_committed readers stop here. */
  get lastStableOffset(): number {
    return this.txns.lastStableOffset(this.target.nextOffset());
  }

  /**
   * Ends producer `producerId`'s transaction here with a commit or abort marker; the last stable offset moves past
   * it. An abort is fsynced and recorded in the segment's `.txnindex` before this resolves. `firstOffset` is where
   * the coordinator knows the transaction began, for a transaction opened before the log was reopened.
   */
  async writeMarker(
    producerId: number,
    producerEpoch: number,
    commit: boolean,
    firstOffset: number,
  ): Promise<void> {
    const target = this.target;
    const config = target.config();
    const now = target.now();
    const marker = encodeControlBatch(
      commit ? ControlType.Commit : ControlType.Abort,
      producerId,
      producerEpoch,
      now,
    );
    const offset = target.nextOffset();
    stampBaseOffset(marker, 0, offset);
    target.write(marker, 1, config, now);
    // The marker may have rolled a new segment: its abort entry belongs to the segment that holds it.
    const segment = target.active();
    const aborted = this.txns.ended(producerId, offset, commit, firstOffset, target.nextOffset());
    if (aborted === null) return;
    await target.sync();
    appendAbortedTxn(segment.txnIndexFile, aborted);
  }
}
