import type { Segment } from './segment.js';
import type { TopicConfig } from './types.js';

/** Relative offsets are int32 in the indexes: a segment spans fewer offsets than this. */
const MAX_SEGMENT_OFFSETS = 0x7fff_ffff;

/** True when appending `batchBytes` at `nextOffset` must go to a new segment (size, age, index or offset span). */
export function shouldRoll(
  segment: Segment,
  nextOffset: number,
  batchBytes: number,
  config: TopicConfig,
  now: number,
): boolean {
  return (
    segment.size + batchBytes > config['segment.bytes'] ||
    now - segment.firstTimestamp > config['segment.ms'] ||
    segment.index.entries >= Math.floor(config['segment.index.bytes'] / 8) ||
    nextOffset + batchBytes - segment.baseOffset > MAX_SEGMENT_OFFSETS
  );
}

const EMPTY = Buffer.alloc(0);

/**
 * A partition's segments, ascending by base offset; the last one is active (takes appends). The array is replaced,
 * never changed in place, so a reader that took it keeps a consistent view across its awaits; a segment that
 * retention or compaction removed meanwhile is `retired`, and reads that meet one start over.
 */
export class SegmentList {
  private list: readonly Segment[];

  constructor(segments: readonly Segment[]) {
    this.list = segments;
  }

  get all(): readonly Segment[] {
    return this.list;
  }

  get active(): Segment {
    return this.list[this.list.length - 1]!;
  }

  get first(): Segment {
    return this.list[0]!;
  }

  /** Bytes in all segments. */
  get bytes(): number {
    let total = 0;
    for (const s of this.list) total += s.size;
    return total;
  }

  add(segment: Segment): void {
    this.list = [...this.list, segment];
  }

  /** Puts `replacement` where the consecutive segments `old` were. */
  replace(old: readonly Segment[], replacement: Segment): void {
    const at = this.list.indexOf(old[0]!);
    this.list = [...this.list.slice(0, at), replacement, ...this.list.slice(at + old.length)];
  }

  /** Takes the `n` oldest segments out and returns them (the caller deletes them). */
  removeOldest(n: number): readonly Segment[] {
    const removed = this.list.slice(0, n);
    this.list = this.list.slice(n);
    return removed;
  }

  /**
   * Whole batches from the one holding `offset`, from the first segment that has any (a read never spans two
   * segments, as in Kafka). `onRetired` runs before starting over when a segment went away mid-read; it throws
   * when `offset` is no longer in range.
   */
  async read(offset: number, maxBytes: number, onRetired: () => void): Promise<Buffer> {
    const segments = this.list;
    for (let i = floorIndex(segments, offset); i < segments.length; i++) {
      const segment = segments[i]!;
      if (segment.retired) {
        onRetired();
        return this.read(offset, maxBytes, onRetired);
      }
      const found = await segment.read(offset, maxBytes);
      if (found) return found;
    }
    return EMPTY;
  }

  /** First offset at or after `fromOffset` whose timestamp is >= `timestamp`, or null. */
  async offsetForTime(timestamp: number, fromOffset: number): Promise<number | null> {
    for (const segment of this.list) {
      if (segment.nextOffset <= fromOffset || segment.retired) continue;
      const found = await segment.offsetForTime(timestamp, fromOffset);
      if (found !== null) return found;
    }
    return null;
  }

  /** Share of the non-active bytes at or past `cleanedUpTo` (not compacted yet), and how many bytes. */
  dirtiness(cleanedUpTo: number): { ratio: number; dirtyBytes: number } {
    let total = 0;
    let dirty = 0;
    for (const segment of this.list.slice(0, -1)) {
      total += segment.size;
      if (segment.baseOffset >= cleanedUpTo) dirty += segment.size;
    }
    return { ratio: total === 0 ? 0 : dirty / total, dirtyBytes: dirty };
  }

  /**
   * Starts the fsyncs a group commit needs: the log of every segment with unsynced bytes, and the indexes of
   * every segment no longer active whose indexes were not persisted yet. They run side by side.
   */
  syncUnsynced(active: Segment): Promise<void>[] {
    const syncs: Promise<void>[] = [];
    for (const segment of this.list) {
      if (segment.size > segment.flushedSize) syncs.push(segment.syncLog());
      if (!segment.indexesSynced && segment !== active) {
        segment.indexesSynced = true;
        syncs.push(segment.persistIndexes(true));
      }
    }
    return syncs;
  }
}

/** Index of the last segment whose base offset is <= `offset`, or 0. */
function floorIndex(segments: readonly Segment[], offset: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid]!.baseOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
