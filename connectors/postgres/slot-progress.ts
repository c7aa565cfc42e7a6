import type { SourceRecord } from '../../src/connect/index.js';

interface Transaction {
  lsn: string;
  endLsn: bigint | undefined;
  /** Records handed out and not yet durable. */
  pending: number;
}

/**
 * Decides how far the replication slot may be confirmed. Transactions arrive in commit order; each one's records
 * are counted as they are handed out and counted down as the runtime reports them durable (`commitRecord`). The
 * slot is confirmed up to the end of the longest prefix of committed transactions with nothing pending, so the
 * server never discards WAL whose changes are not yet safely in the log.
 */
export class SlotProgress {
  private readonly queue: Transaction[] = [];
  private readonly byLsn = new Map<string, Transaction>();
  confirmed: bigint;

  constructor(confirmed: bigint) {
    this.confirmed = confirmed;
  }

  begin(lsn: string): void {
    const txn: Transaction = { lsn, endLsn: undefined, pending: 0 };
    this.queue.push(txn);
    this.byLsn.set(lsn, txn);
  }

  /** Counts a record of the current (last begun) transaction; its offset's `lsn` names that transaction. */
  handedOut(): void {
    this.queue[this.queue.length - 1]!.pending++;
  }

  commit(endLsn: bigint): void {
    const txn = this.queue[this.queue.length - 1];
    if (txn) txn.endLsn = endLsn;
  }

  durable(record: SourceRecord): void {
    // A transaction's final LSN is unique, and every record of it carries that LSN in its offset.
    const txn = this.byLsn.get(String(record.sourceOffset.lsn));
    if (txn && txn.pending > 0) txn.pending--;
  }

  /** Advances `confirmed`; true when it moved. */
  advance(): boolean {
    const before = this.confirmed;
    while (this.queue.length > 0) {
      const txn = this.queue[0]!;
      if (txn.endLsn === undefined || txn.pending > 0) break;
      if (txn.endLsn > this.confirmed) this.confirmed = txn.endLsn;
      this.queue.shift();
      this.byLsn.delete(txn.lsn);
    }
    return this.confirmed !== before;
  }

  /** Nothing received is waiting to become durable, and no transaction is half received. */
  get idle(): boolean {
    return this.queue.length === 0;
  }
}
