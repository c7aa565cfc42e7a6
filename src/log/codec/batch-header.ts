/**
 * The fixed 61-byte header of a RecordBatch v2: reading it, sizing and verifying a batch in place, and stamping the
 * offset the log assigns. Grammar in record-batch.ts.
 */
import { CorruptRecordError } from '../../errors.js';
import { BatchField, BatchLimits, readInt64, writeInt64 } from './batch-layout.js';
import { crc32c } from './crc32c.js';

/** Header bytes before the first record; also the size of a batch without records. */
export const RECORD_BATCH_OVERHEAD = 61;

/** The header fields of one batch, as stored. `batchLength` excludes the 12 bytes of baseOffset and itself. */
export interface RecordBatchHeader {
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

function where(position: number, file: string | undefined): string {
  return file === undefined ? `at position ${position}` : `in ${file} at position ${position}`;
}

/** Reads the header of the batch at `position`; throws {@link CorruptRecordError} if fewer than 61 bytes remain. */
export function readBatchHeader(buf: Buffer, position: number): RecordBatchHeader {
  if (position < 0 || position + RECORD_BATCH_OVERHEAD > buf.length) {
    throw new CorruptRecordError(
      `record batch header ${where(position, undefined)} is cut short: ${Math.max(0, buf.length - position)} of ${RECORD_BATCH_OVERHEAD} bytes present`,
      { position },
    );
  }
  return {
    baseOffset: readInt64(buf, position + BatchField.BaseOffset),
    batchLength: buf.readInt32BE(position + BatchField.BatchLength),
    partitionLeaderEpoch: buf.readInt32BE(position + BatchField.PartitionLeaderEpoch),
    magic: buf.readInt8(position + BatchField.Magic),
    crc: buf.readUInt32BE(position + BatchField.Crc),
    attributes: buf.readInt16BE(position + BatchField.Attributes),
    lastOffsetDelta: buf.readInt32BE(position + BatchField.LastOffsetDelta),
    baseTimestamp: readInt64(buf, position + BatchField.BaseTimestamp),
    maxTimestamp: readInt64(buf, position + BatchField.MaxTimestamp),
    producerId: readInt64(buf, position + BatchField.ProducerId),
    producerEpoch: buf.readInt16BE(position + BatchField.ProducerEpoch),
    baseSequence: buf.readInt32BE(position + BatchField.BaseSequence),
    recordCount: buf.readInt32BE(position + BatchField.RecordCount),
  };
}

/** Whole size (12 + batchLength) of the batch at position, or -1 when fewer than 12 bytes remain. */
export function batchSizeAt(buf: Buffer, position: number): number {
  if (position + BatchLimits.LogOverhead > buf.length) return -1;
  return BatchLimits.LogOverhead + buf.readInt32BE(position + BatchField.BatchLength);
}

/**
 * What is wrong with the batch at `position`, or null when it is whole and intact: the checks of
 * {@link verifyBatch}, as a sentence (for tools that report damage rather than stop at it).
 */
export function batchProblem(buf: Buffer, position: number): string | null {
  if (position + BatchLimits.LogOverhead > buf.length) {
    return `only ${buf.length - position} bytes remain, fewer than the 12 of a batch's offset and length`;
  }
  const batchLength = buf.readInt32BE(position + BatchField.BatchLength);
  if (batchLength < BatchLimits.MinBatchLength) {
    return `batch length ${batchLength} is under the minimum of ${BatchLimits.MinBatchLength}`;
  }
  const end = position + BatchLimits.LogOverhead + batchLength;
  if (end > buf.length)
    return `batch length ${batchLength} runs ${end - buf.length} bytes past the end of the data`;
  const magic = buf[position + BatchField.Magic];
  if (magic !== BatchLimits.Magic) return `magic is ${magic}, only RecordBatch v2 (magic 2) is supported`;
  const stored = buf.readUInt32BE(position + BatchField.Crc);
  const computed = crc32c(buf, position + BatchField.Attributes, end);
  if (stored !== computed) return `CRC-32C mismatch: stored 0x${hex(stored)}, computed 0x${hex(computed)}`;
  return null;
}

/**
 * Checks the batch at `position` is whole and intact. Throws {@link CorruptRecordError} naming the position (and
 * `file` when given) for: a magic other than 2, a batchLength under 49 (a batch under 61 bytes, which is also what
 * a zero-filled tail looks like), a length running past the end of `buf`, or a CRC-32C mismatch.
 */
export function verifyBatch(buf: Buffer, position: number, file?: string): void {
  const problem = batchProblem(buf, position);
  if (problem !== null) {
    throw new CorruptRecordError(`corrupt record batch ${where(position, file)}: ${problem}`, {
      file,
      position,
    });
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/** Writes `baseOffset` into the batch at `position`. The CRC does not cover it, so the batch stays valid. */
export function stampBaseOffset(buf: Buffer, position: number, baseOffset: number): void {
  writeInt64(buf, position + BatchField.BaseOffset, baseOffset);
}
