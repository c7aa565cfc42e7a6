// The public face of src/log: the segment log, its codecs and its partitioner.

export { crc32c } from './codec/crc32c.js';

// Codec: RecordBatch v2, CRC-32C, varints
export type { EncodeBatchOptions, RecordBatchHeader } from './codec/record-batch.js';
export {
  batchSizeAt,
  decodeBatches,
  decodeBatchRecords,
  encodeRecordBatch,
  RECORD_BATCH_OVERHEAD,
  readBatchHeader,
  stampBaseOffset,
  verifyBatch,
} from './codec/record-batch.js';
export type { Cursor } from './codec/varint.js';
export {
  readUnsignedVarint,
  readVarint,
  readVarlong,
  unsignedVarintSize,
  varintSize,
  varlongSize,
  writeUnsignedVarint,
  writeVarint,
  writeVarlong,
} from './codec/varint.js';
// Partitioner
export { DefaultPartitioner, murmur2, partitionForKey, toPositive } from './partitioner.js';
// Contract types
export type {
  Acks,
  AppendOptions,
  AppendRecord,
  AppendResult,
  CleanupPolicy,
  Header,
  LogRecord,
  PartitionOffsets,
  ReadOptions,
  ReadResult,
  TopicConfig,
  TopicDescription,
} from './types.js';
