/**
 * The `.txnindex` beside a segment: one entry per transaction aborted by a marker in that segment, so that a
 * read_committed reader can skip the aborted records without reading ahead to their marker. Kafka's layout, all
 * integers big-endian, 34 bytes an entry, appended and fsynced when the abort marker is written:
 *
 * ```
 * AbortedTxn =>
 *   version           int16   = 0
 *   producerId        int64
 *   firstOffset       int64   first offset the transaction may have written in this partition
 *   lastOffset        int64   offset of the abort marker
 *   lastStableOffset  int64   the partition's last stable offset once the marker was written
 * ```
 *
 * A torn last entry (a crash mid-append) is ignored: the transaction's state record was not completed either, so
 * reopening aborts it again and writes a fresh entry.
 */
import fs from 'node:fs';
import { readInt64, writeInt64 } from '../codec/batch-layout.js';

const ENTRY_BYTES = 34;

/** A transaction whose records read_committed readers skip: producer `producerId`'s batches in [first, last]. */
export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  lastStableOffset: number;
}

/** True when the transactional batch of `producerId` at `offset` belongs to one of `aborted`. */
export function inAbortedTxn(aborted: readonly AbortedTxn[], producerId: number, offset: number): boolean {
  for (const txn of aborted) {
    if (txn.producerId === producerId && txn.firstOffset <= offset && offset < txn.lastOffset) return true;
  }
  return false;
}

/** The entries of a `.txnindex`, oldest first; none when the file does not exist. */
export function readAbortedTxns(file: string): AbortedTxn[] {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: AbortedTxn[] = [];
  for (let at = 0; at + ENTRY_BYTES <= bytes.length; at += ENTRY_BYTES) {
    if (bytes.readInt16BE(at) !== 0) break;
    entries.push({
      producerId: readInt64(bytes, at + 2),
      firstOffset: readInt64(bytes, at + 10),
      lastOffset: readInt64(bytes, at + 18),
      lastStableOffset: readInt64(bytes, at + 26),
    });
  }
  return entries;
}

/** Appends one entry and fsyncs it before returning: an abort must not be forgotten once its marker counts. */
export function appendAbortedTxn(file: string, entry: AbortedTxn): void {
  const bytes = Buffer.alloc(ENTRY_BYTES);
  bytes.writeInt16BE(0, 0);
  writeInt64(bytes, 2, entry.producerId);
  writeInt64(bytes, 10, entry.firstOffset);
  writeInt64(bytes, 18, entry.lastOffset);
  writeInt64(bytes, 26, entry.lastStableOffset);
  const fd = fs.openSync(file, 'a');
  try {
    // A torn entry from an earlier crash would shift every later one: start on an entry boundary.
    const size = fs.fstatSync(fd).size;
    if (size % ENTRY_BYTES !== 0) fs.ftruncateSync(fd, size - (size % ENTRY_BYTES));
    fs.writeSync(fd, bytes);
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
