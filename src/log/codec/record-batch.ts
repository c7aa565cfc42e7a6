/**
 * Kafka's RecordBatch v2 (magic 2), the unit of sluice's `.log` segments and of Produce/Fetch on the wire.
 * All integers are big-endian; varint/varlong are zigzag (varint.ts).
 *
 * ```
 * RecordBatch =>
 *   baseOffset            int64    offset of the first record
 *   batchLength           int32    bytes after this field (whole batch = 12 + batchLength)
 *   partitionLeaderEpoch  int32
 *   magic                 int8     = 2
 *   crc                   uint32   CRC-32C of attributes … end of batch
 *   attributes            int16    bits 0-2 compression, 3 LogAppendTime, 4 transactional, 5 control,
 *                                  6 delete horizon
 *   lastOffsetDelta       int32    offset of the last record - baseOffset
 *   baseTimestamp         int64    timestamp of the first record
 *   maxTimestamp          int64    largest timestamp (the append time when LogAppendTime)
 *   producerId            int64    -1 without an idempotent producer
 *   producerEpoch         int16    -1
 *   baseSequence          int32    -1
 *   recordCount           int32
 *   records               [Record] recordCount times, compressed as a whole when bits 0-2 say so
 *
 * Record =>
 *   length          varint   bytes after this field
 *   attributes      int8     unused, 0
 *   timestampDelta  varlong  timestamp - baseTimestamp
 *   offsetDelta     varint   offset - baseOffset
 *   keyLength       varint   -1 = null key
 *   key             bytes
 *   valueLength     varint   -1 = null value (a tombstone)
 *   value           bytes
 *   headerCount     varint
 *   headers         [Header]
 *
 * Header =>
 *   keyLength  varint
 *   key        UTF-8 string
 *   valueLength varint       -1 = null
 *   value      bytes
 * ```
 *
 * The CRC skips baseOffset, batchLength, partitionLeaderEpoch and magic, so the log stamps offsets into a batch
 * (`stampBaseOffset`) without recomputing it.
 */
export type { RecordBatchHeader } from './batch-header.js';
export {
  batchProblem,
  batchSizeAt,
  RECORD_BATCH_OVERHEAD,
  readBatchHeader,
  stampBaseOffset,
  verifyBatch,
} from './batch-header.js';
export { Attribute, BatchField, Compression } from './batch-layout.js';
export { decodeBatches, decodeBatchRecords } from './record-decoder.js';
export type { EncodeBatchOptions } from './record-encoder.js';
export { encodeRecordBatch, finishRecordBatch } from './record-encoder.js';
export { RecordsBuilder } from './records-builder.js';
