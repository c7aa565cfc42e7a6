import { IndexFile } from './index-file.js';

/** Bytes of one `.index` entry: relative offset (int32) then file position (int32), big-endian. */
export const OFFSET_INDEX_ENTRY = 8;

/**
 * A segment's sparse offset index (`<base>.index`). Entry i says: the batch whose last offset is
 * `baseOffset + relativeOffset` starts at `position` in the `.log`. One entry is added after every
 * `index.interval.bytes` of batches, so a lookup lands at most that many bytes before the wanted batch.
 */
export class OffsetIndex {
  private constructor(
    readonly baseOffset: number,
    private readonly store: IndexFile,
  ) {}

  static create(file: string, baseOffset: number): OffsetIndex {
    return new OffsetIndex(baseOffset, new IndexFile(file, OFFSET_INDEX_ENTRY));
  }

  /**
   * Loads `file` when it is sane for a `.log` of `logSize` bytes: strictly increasing offsets and positions, all
   * positions inside the log. Null when missing or damaged, so that the caller rebuilds it.
   */
  static load(file: string, baseOffset: number, logSize: number): OffsetIndex | null {
    const store = IndexFile.read(file, OFFSET_INDEX_ENTRY);
    if (!store) return null;
    const index = new OffsetIndex(baseOffset, store);
    let prevOffset = -1;
    let prevPosition = -1;
    for (let i = 0; i < index.entries; i++) {
      const rel = index.relativeOffsetAt(i);
      const pos = index.positionAt(i);
      if (rel <= prevOffset || pos <= prevPosition || pos >= logSize) return null;
      prevOffset = rel;
      prevPosition = pos;
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

  relativeOffsetAt(i: number): number {
    return this.store.data.readInt32BE(i * OFFSET_INDEX_ENTRY);
  }

  positionAt(i: number): number {
    return this.store.data.readInt32BE(i * OFFSET_INDEX_ENTRY + 4);
  }

  append(offset: number, position: number): void {
    const at = this.store.reserve();
    this.store.data.writeInt32BE(offset - this.baseOffset, at);
    this.store.data.writeInt32BE(position, at + 4);
  }

  /** File position of the last indexed batch ending at or before `offset`; 0 when none does. */
  lookup(offset: number): number {
    const i = this.floor(offset - this.baseOffset);
    return i < 0 ? 0 : this.positionAt(i);
  }

  /** The last entry, or position 0 for an empty index. */
  last(): { offset: number; position: number } {
    const n = this.entries;
    if (n === 0) return { offset: this.baseOffset, position: 0 };
    return { offset: this.baseOffset + this.relativeOffsetAt(n - 1), position: this.positionAt(n - 1) };
  }

  /** Drops the entries pointing at or past `position` (the log was truncated there). */
  truncateToPosition(position: number): void {
    let n = this.entries;
    while (n > 0 && this.positionAt(n - 1) >= position) n--;
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

  /** Index of the last entry whose relative offset is <= rel, or -1. */
  private floor(rel: number): number {
    let lo = 0;
    let hi = this.entries - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.relativeOffsetAt(mid) <= rel) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}
