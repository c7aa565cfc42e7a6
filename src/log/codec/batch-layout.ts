/**
 * Field positions and attribute bits of Kafka's RecordBatch v2 header (see record-batch.ts for the grammar), and
 * int64 access on plain numbers: offsets and timestamps are int64 on disk but safe integers in sluice.
 */

/** Byte offsets of the header fields, from the start of the batch. */
export enum BatchField {
  BaseOffset = 0, // int64
  BatchLength = 8, // int32: bytes after this field
  PartitionLeaderEpoch = 12, // int32
  Magic = 16, // int8, always 2
  Crc = 17, // uint32, CRC-32C of Attributes … end
  Attributes = 21, // int16
  LastOffsetDelta = 23, // int32
  BaseTimestamp = 27, // int64
  MaxTimestamp = 35, // int64
  ProducerId = 43, // int64
  ProducerEpoch = 51, // int16
  BaseSequence = 53, // int32
  RecordCount = 57, // int32
  Records = 61, // the records begin
}

export enum BatchLimits {
  LogOverhead = 12, // baseOffset + batchLength: bytes not counted by batchLength
  MinBatchLength = 49, // batchLength of a batch with no records (61 - 12)
  Magic = 2, // RecordBatch v2
}

/** Bits of the batch attributes (int16). */
export enum Attribute {
  CompressionMask = 0x07, // bits 0-2: the codec of the records section
  LogAppendTime = 0x08, // bit 3: timestamps are the broker's maxTimestamp
  Transactional = 0x10, // bit 4
  Control = 0x20, // bit 5: commit/abort markers, not user records
  DeleteHorizon = 0x40, // bit 6: baseTimestamp is the compaction delete horizon
}

/** Compression codecs in attributes bits 0-2. */
export enum Compression {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

const TWO_POW_32 = 4294967296;

/** Reads a big-endian int64 as a number (exact for safe integers, -1 included). */
export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_POW_32 + buf.readUInt32BE(pos + 4);
}

/** Writes a safe integer as a big-endian int64 (two's complement, so -1 is eight 0xff bytes). */
export function writeInt64(buf: Buffer, pos: number, n: number): void {
  const high = Math.floor(n / TWO_POW_32);
  buf.writeInt32BE(high, pos);
  buf.writeUInt32BE(n - high * TWO_POW_32, pos + 4);
}
