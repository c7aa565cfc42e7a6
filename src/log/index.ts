// The public face of src/log: the segment log, its codecs and its partitioner.

// Codec: RecordBatch v2, CRC-32C, varints, record compression
export type { CompressionType } from './codec/compression.js';
export { COMPRESSION_TYPES, compressRecords, decompressRecords } from './codec/compression.js';
export { ControlType, encodeControlBatch, isControlBatch, readControlType } from './codec/control-record.js';
export { crc32c } from './codec/crc32c.js';
export type { EncodeBatchOptions, RecordBatchHeader } from './codec/record-batch.js';
export {
  batchProblem,
  batchSizeAt,
  Compression,
  decodeBatches,
  decodeBatchRecords,
  encodeRecordBatch,
  finishRecordBatch,
  RECORD_BATCH_OVERHEAD,
  RecordsBuilder,
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
// Storage engine: topics, segments, indexes, retention, compaction, recovery
export { Log } from './log.js';
export type { CleanResult } from './log-cleaner.js';
export type { LogOptions } from './log-options.js';
// Partitioner
export { DefaultPartitioner, murmur2, partitionForKey, toPositive } from './partitioner.js';
// Tools: segment dumps and log directory verification (sluice log dump|verify)
export type {
  BatchDump,
  DumpEnd,
  DumpItem,
  OffsetIndexEntryDump,
  PrintableBytes,
  RecordDump,
  TimeIndexEntryDump,
} from './tools/dump-segment.js';
export { dumpSegmentFile } from './tools/dump-segment.js';
export type { IndexEntries, OffsetIndexEntry, TimeIndexEntry } from './tools/index-entries.js';
export { readOffsetIndex, readTimeIndex } from './tools/index-entries.js';
export type { RepairAction, RepairReport } from './tools/repair-log-dir.js';
export { repairLogDir } from './tools/repair-log-dir.js';
export type { SegmentFileKind, SegmentFileName } from './tools/segment-file-name.js';
export { parsePartitionDirName, parseSegmentFileName, segmentFileName } from './tools/segment-file-name.js';
export type { Damage, DamageKind, VerifyOptions, VerifyReport } from './tools/verify-log-dir.js';
export { verifyLogDir } from './tools/verify-log-dir.js';
// Topic names and configs
export { NEVER, TOPIC_CONFIG_KEYS, topicConfigSchema } from './topic-config.js';
export { MAX_TOPIC_NAME_LENGTH, validateTopicName } from './topic-name.js';
// Transactions: markers, aborted-transaction index, transaction state records
export type { AbortedTxn } from './txn/aborted-txn-index.js';
export { TXN_STATE_TOPIC } from './txn/txn-state-records.js';
// Contract types
export type {
  Acks,
  AppendOptions,
  AppendRecord,
  AppendResult,
  CleanupPolicy,
  Header,
  IsolationLevel,
  LogRecord,
  PartitionOffsets,
  ReadOptions,
  ReadResult,
  TopicConfig,
  TopicDescription,
  TransactionalProducer,
} from './types.js';
