import { IndexFile } from './index-file.js';

/** Bytes of one `.timeindex` entry: timestamp (int64) then relative offset (int32), big-endian. */
export const TIME_INDEX_ENTRY = 12;

/**
 * A segment's sparse time index (`<base>.timeindex`). Entry i says: `timestamp` was the largest timestamp of the
 * segment so far, reached in the batch ending at offset `baseOffset + relativeOffset`; so no record up to that
 * offset is newer. Timestamps strictly increase from entry to entry, so a binary search finds where records at
 * or after a given time can start.
 */
export class TimeIndex {
  private constructor(
    readonly baseOffset: number,
    private readonly store: IndexFile,
  ) {}

  static create(file: string, baseOffset: number): TimeIndex {
    return new TimeIndex(baseOffset, new IndexFile(file, TIME_INDEX_ENTRY));
  }

  /** Loads `file` when its timestamps increase and its offsets do not decrease; null when missing or damaged. */
  static load(file: string, baseOffset: number): TimeIndex | null {
    const store = IndexFile.read(file, TIME_INDEX_ENTRY);
    if (!store) return null;
    const index = new TimeIndex(baseOffset, store);
    let prevTs = Number.NEGATIVE_INFINITY;
    let prevOffset = 0;
    for (let i = 0; i < index.entries; i++) {
      const ts = index.timestampAt(i);
      const rel = index.relativeOffsetAt(i);
      if (ts <= prevTs || rel < prevOffset) return null;
      prevTs = ts;
      prevOffset = rel;
    }
    return index;
  }

  get file(): string {
    return this.store.file;
  }

  get entries(): number {
    return this.store.entries;
  }

  get dirty(): boolean {
    return this.store.dirty;
  }

  timestampAt(i: number): number {
    return Number(this.store.data.readBigInt64BE(i * TIME_INDEX_ENTRY));
  }

  relativeOffsetAt(i: number): number {
    return this.store.data.readInt32BE(i * TIME_INDEX_ENTRY + 8);
  }

  /** The newest entry's timestamp, or -1 when empty. */
  lastTimestamp(): number {
    return this.entries === 0 ? -1 : this.timestampAt(this.entries - 1);
  }

  /** The newest entry's offset, or -1 when empty. */
  lastOffset(): number {
    return this.entries === 0 ? -1 : this.baseOffset + this.relativeOffsetAt(this.entries - 1);
  }

  /** Adds an entry unless it would not move the index forward in time. */
  maybeAppend(timestamp: number, offset: number): void {
    if (timestamp <= this.lastTimestamp() || offset < this.lastOffset()) return;
    const at = this.store.reserve();
    this.store.data.writeBigInt64BE(BigInt(timestamp), at);
    this.store.data.writeInt32BE(offset - this.baseOffset, at + 8);
  }

  /**
   * The offset after the last entry whose timestamp is below `timestamp`: every record before the returned
   * offset is older than `timestamp`. The segment's base offset when no entry qualifies.
   */
  startOffsetFor(timestamp: number): number {
    let lo = 0;
    let hi = this.entries - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timestampAt(mid) < timestamp) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? this.baseOffset : this.baseOffset + this.relativeOffsetAt(found) + 1;
  }

  /** Drops entries that point at `offset` or later (the log was truncated before it). */
  truncateToOffset(offset: number): void {
    let n = this.entries;
    while (n > 0 && this.baseOffset + this.relativeOffsetAt(n - 1) >= offset) n--;
    this.store.truncate(n);
  }

  reset(): void {
    this.store.reset();
  }

  /** Writes entries not yet on disk. */
  write(): void {
    this.store.write();
  }

  /** fdatasyncs the written entries. */
  sync(): Promise<void> {
    return this.store.sync();
  }

  close(): void {
    this.store.close();
  }
}
