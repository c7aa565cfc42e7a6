import { CorruptRecordError, InvalidRecordError, RecordTooLargeError, SluiceError } from '../errors.js';
import { Attribute, BatchField, writeInt64 } from './codec/batch-layout.js';
import { incomingBatchProblem } from './codec/batch-validator.js';
import { codecName, isKnownCodec } from './codec/compression.js';
import { crc32c } from './codec/crc32c.js';
import { stampBaseOffset, verifyBatch } from './codec/record-batch.js';

/**
 * Checks client-built RecordBatch v2 bytes (as a Produce request carries them) and stamps their base offsets in
 * place, the first at `firstOffset`. Every batch must be whole, at most `maxBatchBytes`, of magic 2, uncompressed or in one of Kafka's codecs, and
 * with a valid CRC, and its header and records must agree as Kafka's LogValidator requires (codec/batch-validator.ts);
 * the log, not the client, assigns the offsets. The CRC does not cover the base offset, so stamping keeps it
 * valid. Throws before anything is
 * stamped into a later batch if one is bad; returns the offset after the last record and the record count.
 * With `logAppendTime` >= 0 (a LogAppendTime topic), each batch is marked so and gets that time.
 */
export function stampIncomingBatches(
  batches: Buffer,
  firstOffset: number,
  maxBatchBytes: number,
  topic: string,
  partition: number,
  logAppendTime: number,
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
    const codec = batches.readInt16BE(at + BatchField.Attributes) & Attribute.CompressionMask;
    if (!isKnownCodec(codec)) {
      // Stored, it would stop every reader of the log at this batch.
      throw new SluiceError(
        'UNSUPPORTED_COMPRESSION_TYPE',
        `${where}: the batch at byte ${at} is compressed with ${codecName(codec)}, which is none of Kafka's codecs; use none, gzip, snappy, lz4 or zstd`,
      );
    }
    const problem = incomingBatchProblem(batches, at, size);
    if (problem !== null) {
      throw new InvalidRecordError(`${where}: the batch at byte ${at} is refused: ${problem}`, {
        position: at,
      });
    }
    stampBaseOffset(batches, at, offset);
    if (logAppendTime >= 0) stampLogAppendTime(batches, at, size, logAppendTime);
    offset += batches.readInt32BE(at + BatchField.LastOffsetDelta) + 1;
    records += batches.readInt32BE(at + BatchField.RecordCount);
    at += size;
  }
  return { nextOffset: offset, records };
}

/**
 * Marks the batch LogAppendTime with `time` as its max timestamp, the time readers then give every record, as a
 * Kafka broker does for such topics. Both fields are under the CRC, which is computed again.
 */
function stampLogAppendTime(batches: Buffer, at: number, size: number, time: number): void {
  const attributes = batches.readInt16BE(at + BatchField.Attributes);
  batches.writeInt16BE(attributes | Attribute.LogAppendTime, at + BatchField.Attributes);
  writeInt64(batches, at + BatchField.MaxTimestamp, time);
  batches.writeUInt32BE(crc32c(batches, at + BatchField.Attributes, at + size), at + BatchField.Crc);
}
