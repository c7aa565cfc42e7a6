/**
 * The entries of Kafka's sparse index files, read from their bytes.
 *
 * ```
 * .index     => [relativeOffset int32, position int32]        8 bytes an entry
 * .timeindex => [timestamp int64, relativeOffset int32]       12 bytes an entry
 * ```
 *
 * Offsets are relative to the segment's base offset (its file name). An index that was preallocated and not
 * trimmed (an unclean stop) ends in zero-filled entries; those are padding, not entries, and are counted apart.
 */
import { readInt64 } from '../codec/batch-layout.js';

export enum IndexEntrySize {
  Offset = 8, // int32 relative offset, int32 file position
  Time = 12, // int64 timestamp, int32 relative offset
}

export interface OffsetIndexEntry {
  /** Byte position of the entry in the index file. */
  at: number;
  relativeOffset: number;
  offset: number;
  position: number;
}

export interface TimeIndexEntry {
  at: number;
  timestamp: number;
  relativeOffset: number;
  offset: number;
}

export interface IndexEntries<E> {
  entries: E[];
  /** Zero-filled entries at the end (preallocation not yet trimmed). */
  padding: number;
  /** Bytes at the end too few for an entry (a torn write). */
  leftover: number;
}

/** Count of whole entries that are not trailing zero padding. An all-zero first entry is a real entry. */
function usedEntries(bytes: Buffer, entrySize: number): number {
  let count = Math.floor(bytes.length / entrySize);
  while (count > 1) {
    const start = (count - 1) * entrySize;
    let zero = true;
    for (let i = start; i < start + entrySize && zero; i++) zero = bytes[i] === 0;
    if (!zero) break;
    count--;
  }
  return count;
}

/** Parses a `.index` file of the segment starting at `baseOffset`. */
export function readOffsetIndex(bytes: Buffer, baseOffset: number): IndexEntries<OffsetIndexEntry> {
  const whole = Math.floor(bytes.length / IndexEntrySize.Offset);
  const used = usedEntries(bytes, IndexEntrySize.Offset);
  const entries: OffsetIndexEntry[] = [];
  for (let i = 0; i < used; i++) {
    const at = i * IndexEntrySize.Offset;
    const relativeOffset = bytes.readInt32BE(at);
    entries.push({
      at,
      relativeOffset,
      offset: baseOffset + relativeOffset,
      position: bytes.readInt32BE(at + 4),
    });
  }
  return { entries, padding: whole - used, leftover: bytes.length % IndexEntrySize.Offset };
}

/** Parses a `.timeindex` file of the segment starting at `baseOffset`. */
export function readTimeIndex(bytes: Buffer, baseOffset: number): IndexEntries<TimeIndexEntry> {
  const whole = Math.floor(bytes.length / IndexEntrySize.Time);
  const used = usedEntries(bytes, IndexEntrySize.Time);
  const entries: TimeIndexEntry[] = [];
  for (let i = 0; i < used; i++) {
    const at = i * IndexEntrySize.Time;
    const relativeOffset = bytes.readInt32BE(at + 8);
    entries.push({
      at,
      timestamp: readInt64(bytes, at),
      relativeOffset,
      offset: baseOffset + relativeOffset,
    });
  }
  return { entries, padding: whole - used, leftover: bytes.length % IndexEntrySize.Time };
}
