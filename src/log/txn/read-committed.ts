/**
 * Decoding for read_committed readers: the records of whole batches, without control batches and without the
 * batches of aborted transactions. The caller has already cut the bytes at the last stable offset, so batches of
 * transactions still open are not there.
 */
import { Attribute, BatchField, readInt64 } from '../codec/batch-layout.js';
import { batchSizeAt, decodeBatchRecords } from '../codec/record-batch.js';
import type { LogRecord } from '../types.js';
import { type AbortedTxn, inAbortedTxn } from './aborted-txn-index.js';

/** Records at or after `fromOffset` of every committed (or non-transactional) batch in `buf`. */
export function decodeCommitted(
  buf: Buffer,
  fromOffset: number,
  aborted: readonly AbortedTxn[],
): LogRecord[] {
  const out: LogRecord[] = [];
  for (let at = 0; ; ) {
    const size = batchSizeAt(buf, at);
    if (size < 0 || at + size > buf.length) break;
    const attributes = buf.readInt16BE(at + BatchField.Attributes);
    const base = readInt64(buf, at + BatchField.BaseOffset);
    const last = base + buf.readInt32BE(at + BatchField.LastOffsetDelta);
    const skip =
      last < fromOffset ||
      (attributes & Attribute.Control) !== 0 ||
      ((attributes & Attribute.Transactional) !== 0 &&
        aborted.length > 0 &&
        inAbortedTxn(aborted, readInt64(buf, at + BatchField.ProducerId), base));
    if (!skip) decodeBatchRecords(buf, at, out, fromOffset);
    at += size;
  }
  return out;
}

/** The whole batches of `buf` whose base offset is below `end` (the last stable offset). */
export function batchesBefore(buf: Buffer, end: number): Buffer {
  let at = 0;
  for (;;) {
    const size = batchSizeAt(buf, at);
    if (size < 0 || at + size > buf.length) break;
    if (readInt64(buf, at + BatchField.BaseOffset) >= end) break;
    at += size;
  }
  return at === buf.length ? buf : buf.subarray(0, at);
}
