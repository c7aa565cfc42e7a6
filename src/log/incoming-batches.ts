import { CorruptRecordError, RecordTooLargeError } from '../errors.js';
import { BatchField } from './codec/batch-layout.js';
import { stampBaseOffset, verifyBatch } from './codec/record-batch.js';

/**
 * Checks client-built RecordBatch v2 bytes (as a Produce request carries them) and stamps their base offsets in
 * place, the first at `firstOffset`. Every batch must be whole, at most `maxBatchBytes`, of magic 2 and with a
 * valid CRC; the CRC does not cover the base offset, so stamping keeps it valid. Throws before anything is
 * stamped into a later batch if one is bad; returns the offset after the last record and the record count.
 */
export function stampIncomingBatches(
  batches: Buffer,
  firstOffset: number,
  maxBatchBytes: number,
  topic: string,
  partition: number,
): { nextOffset: number; records: number } {
  const where = `${topic}-${partition}`;
  let offset = firstOffset;
  let records = 0;
  for (let at = 0; at < batches.length; ) {
    if (batches.length - at < 61) {
      throw new CorruptRecordError(`${where}: ${batches.length - at} trailing bytes are not a record batch`, {
        position: at,
      });
    }
    const size = 12 + batches.readInt32BE(at + BatchField.BatchLength);
    if (size < 61 || at + size > batches.length) {
      throw new CorruptRecordError(
        `${where}: the batch at byte ${at} claims ${size} bytes but ${batches.length - at} follow`,
        { position: at },
      );
    }
    if (size > maxBatchBytes) throw new RecordTooLargeError(size, maxBatchBytes, topic);
    verifyBatch(batches, at, where);
    stampBaseOffset(batches, at, offset);
    offset += batches.readInt32BE(at + BatchField.LastOffsetDelta) + 1;
    records += batches.readInt32BE(at + BatchField.RecordCount);
    at += size;
  }
  return { nextOffset: offset, records };
}
