import { type AbortedTxn, inAbortedTxn } from './aborted-txn-index.js';

/**
 * The transactions of one partition: which producers have a transaction open here (and from which offset), and
 * which transactions were aborted. The last stable offset (LSO) is the first offset of the oldest open
 * transaction, or the log end when none is open: read_committed readers never read at or past it.
 *
 * Open transactions live in memory only. Reopening the log after a crash finds none here; the transaction
 * coordinator then aborts (or finishes committing) every transaction its state topic says was in flight.
 */
export class PartitionTxns {
  /** Producer id → first offset of its open transaction. */
  private readonly open = new Map<number, number>();
  /** Aborted transactions by marker offset, ascending. */
  private aborted: AbortedTxn[];

  constructor(aborted: AbortedTxn[]) {
    this.aborted = aborted.sort((a, b) => a.lastOffset - b.lastOffset);
  }

  /** True when no transaction ever touched the partition (since it was opened): reads need no filtering. */
  get idle(): boolean {
    return this.open.size === 0 && this.aborted.length === 0;
  }

  /** First offset of the oldest open transaction, or `logEnd` when none is open. */
  lastStableOffset(logEnd: number): number {
    let lso = logEnd;
    for (const first of this.open.values()) if (first < lso) lso = first;
    return lso;
  }

  /** Notes a transactional batch of `producerId` at `offset`; the first one opens its transaction here. */
  dataAppended(producerId: number, offset: number): void {
    if (!this.open.has(producerId)) this.open.set(producerId, offset);
  }

  /** First offset of `producerId`'s open transaction, if it has one here. */
  openFrom(producerId: number): number | undefined {
    return this.open.get(producerId);
  }

  /**
   * Closes `producerId`'s transaction with a marker at `markerOffset`. An abort returns the entry to persist in
   * the `.txnindex`; its first offset is that of the open transaction, or `firstOffsetHint` when it was opened
   * before a restart (the coordinator's record of where it began), whichever is known.
   */
  ended(
    producerId: number,
    markerOffset: number,
    commit: boolean,
    firstOffsetHint: number,
    logEnd: number,
  ): AbortedTxn | null {
    const first = this.open.get(producerId) ?? firstOffsetHint;
    this.open.delete(producerId);
    if (commit) return null;
    const entry = {
      producerId,
      firstOffset: Math.min(first, markerOffset),
      lastOffset: markerOffset,
      lastStableOffset: this.lastStableOffset(logEnd),
    };
    this.aborted.push(entry);
    return entry;
  }

  /** Aborted transactions that may hold records in `[from, to)`. */
  abortedIn(from: number, to: number): AbortedTxn[] {
    const out: AbortedTxn[] = [];
    for (const txn of this.aborted) if (txn.lastOffset >= from && txn.firstOffset < to) out.push(txn);
    return out;
  }

  /** True when the transactional batch of `producerId` at `offset` belongs to an aborted transaction. */
  isAborted(producerId: number, offset: number): boolean {
    return inAbortedTxn(this.aborted, producerId, offset);
  }

  /** Forgets aborted transactions whose marker is below the log start (their segments are gone). */
  dropBefore(logStartOffset: number): void {
    if (this.aborted.length > 0 && this.aborted[0].lastOffset < logStartOffset) {
      this.aborted = this.aborted.filter((txn) => txn.lastOffset >= logStartOffset);
    }
  }
}
