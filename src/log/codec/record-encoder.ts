/**
 * Encodes records into one RecordBatch v2 (grammar in record-batch.ts): one pass to size every record, one
 * `Buffer.allocUnsafe` for the whole batch, one pass writing into it, one CRC-32C. Nothing else is allocated per
 * record, which is what lets the log append millions of records a second. A compressed batch is encoded so, then
 * its records section is compressed into a second buffer (compression.ts).
 */
import { BadInputError } from '../../errors.js';
import type { AppendRecord, Header } from '../types.js';
import { Attribute, BatchField, BatchLimits, Compression, writeInt64 } from './batch-layout.js';
import { compressRecords } from './compression.js';
import { crc32c } from './crc32c.js';
import type { RecordsBuilder } from './records-builder.js';
import { varintSize, varlongSize, writeVarint, writeVarlong } from './varint.js';

/** How a batch is stamped; every field defaults to what a non-idempotent producer sends. */
export interface EncodeBatchOptions {
  /** Offset of the first record (default 0; the log stamps the real one with `stampBaseOffset`). */
  baseOffset?: number;
  /** Timestamp given to records without one, and the LogAppendTime (default `Date.now()`). */
  now?: number;
  /** Default -1 (no idempotent producer). */
  producerId?: number;
  /** Default -1. */
  producerEpoch?: number;
  /** Default -1. */
  baseSequence?: number;
  transactional?: boolean;
  /** A control batch (transaction markers); consumers skip it. */
  control?: boolean;
  /** Mark the batch LogAppendTime: its maxTimestamp is `now` and readers see that as every record's timestamp. */
  logAppendTime?: boolean;
  /** Default -1 (the leader epoch is unknown to a producer). */
  partitionLeaderEpoch?: number;
  /** The codec of the records section (default none). */
  compression?: Compression;
  /**
   * Encode into a buffer shared by every call that sets this: the result is valid only until the next such call.
   * For a caller that writes the batch out before anything else can encode (the log's synchronous append), it
   * saves allocating, page-faulting and collecting a fresh buffer per batch.
   */
  reuseBuffer?: boolean;
}

// Body size (the record's length field) of each record of the batch being encoded; grown on demand, reused.
let bodySizes = new Int32Array(1024);
/** Batches up to this size are encoded into {@link shared} when asked; larger ones get a buffer of their own. */
const SHARED_MAX_BYTES = 4 << 20;
let shared = Buffer.allocUnsafe(0);

/** `size` bytes of {@link shared}, grown (to a power of two) when too small. */
function sharedBuffer(size: number): Buffer {
  if (shared.length < size) shared = Buffer.allocUnsafe(2 ** Math.ceil(Math.log2(size)));
  return shared.subarray(0, size);
}

/**
 * Header keys as UTF-8. Records repeat the same few keys, and encoding a short string into the batch costs more
 * than copying its bytes, so each key is encoded once (the cache is bounded).
 */
const keyBytes = new Map<string, Buffer>();

function keyBytesOf(key: string): Buffer {
  let bytes = keyBytes.get(key);
  if (bytes === undefined) {
    if (keyBytes.size >= 1024) keyBytes.clear();
    bytes = Buffer.from(key, 'utf8');
    keyBytes.set(key, bytes);
  }
  return bytes;
}

export function headersSize(headers: readonly Header[]): number {
  let size = varintSize(headers.length);
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i];
    const keyLength = keyBytesOf(header.key).length;
    size += varintSize(keyLength) + keyLength;
    const value = header.value;
    size += value === null ? 1 : varintSize(value.length) + value.length;
  }
  return size;
}

export function writeHeaders(out: Buffer, pos: number, headers: readonly Header[]): number {
  pos = writeVarint(out, pos, headers.length);
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i];
    const key = keyBytesOf(header.key);
    pos = writeVarint(out, pos, key.length);
    out.set(key, pos);
    pos += key.length;
    const value = header.value;
    if (value === null) {
      out[pos++] = 1; // zigzag(-1): a null header value
    } else {
      pos = writeVarint(out, pos, value.length);
      out.set(value, pos);
      pos += value.length;
    }
  }
  return pos;
}

/**
 * Encodes `records` as one RecordBatch v2, compressed per `options.compression`, whose first record has offset
 * `options.baseOffset`.
 * The base timestamp is the first record's (as Kafka's producer writes it), the max timestamp the largest.
 * Throws {@link BadInputError} for an empty list: Kafka has no use for a batch without records.
 */
export function encodeRecordBatch(
  records: readonly AppendRecord[],
  options: EncodeBatchOptions = {},
): Buffer {
  const count = records.length;
  if (count === 0) throw new BadInputError('cannot encode a record batch without records; pass at least one');
  const now = options.now ?? Date.now();
  const baseTimestamp = records[0].timestamp ?? now;
  if (bodySizes.length < count) bodySizes = new Int32Array(Math.max(count, bodySizes.length * 2));

  let maxTimestamp = baseTimestamp;
  let total = BatchField.Records as number;
  for (let i = 0; i < count; i++) {
    const record = records[i];
    const timestamp = record.timestamp ?? now;
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    const key = record.key;
    const value = record.value;
    const headers = record.headers;
    let body = 1 + varlongSize(timestamp - baseTimestamp) + varintSize(i);
    body += key == null ? 1 : varintSize(key.length) + key.length;
    body += value === null ? 1 : varintSize(value.length) + value.length;
    body += headers === undefined || headers.length === 0 ? 1 : headersSize(headers);
    bodySizes[i] = body;
    total += varintSize(body) + body;
  }

  const compression = options.compression ?? Compression.None;
  // A compressed batch is written out of a second buffer, so the plain one is scratch that can be shared.
  const shareable = options.reuseBuffer || compression !== Compression.None;
  const plain = shareable && total <= SHARED_MAX_BYTES ? sharedBuffer(total) : Buffer.allocUnsafe(total);
  let out = plain;
  let pos = BatchField.Records as number;
  for (let i = 0; i < count; i++) {
    const record = records[i];
    pos = writeVarint(out, pos, bodySizes[i]);
    out[pos++] = 0; // record attributes: unused, always 0
    pos = writeVarlong(out, pos, (record.timestamp ?? now) - baseTimestamp);
    pos = writeVarint(out, pos, i);
    const key = record.key;
    if (key == null) {
      out[pos++] = 1; // zigzag(-1): null key
    } else {
      pos = writeVarint(out, pos, key.length);
      out.set(key, pos);
      pos += key.length;
    }
    const value = record.value;
    if (value === null) {
      out[pos++] = 1; // zigzag(-1): null value, a tombstone
    } else {
      pos = writeVarint(out, pos, value.length);
      out.set(value, pos);
      pos += value.length;
    }
    const headers = record.headers;
    if (headers === undefined || headers.length === 0) out[pos++] = 0;
    else pos = writeHeaders(out, pos, headers);
  }

  if (compression !== Compression.None) out = compressed(compression, plain);
  return writeBatchHeader(out, count, baseTimestamp, maxTimestamp, compression, now, options);
}

/**
 * The batch `builder` holds, with its header written per `options` (as {@link encodeRecordBatch} writes it) and its
 * records compressed per `options.compression`. The batch is the builder's buffer when uncompressed: add nothing
 * to the builder after this.
 */
export function finishRecordBatch(builder: RecordsBuilder, options: EncodeBatchOptions = {}): Buffer {
  if (builder.count === 0) {
    throw new BadInputError('cannot encode a record batch without records; pass at least one');
  }
  const compression = options.compression ?? Compression.None;
  const plain = builder.buffer.subarray(0, builder.bytes);
  const out = compression === Compression.None ? plain : compressed(compression, plain);
  const now = options.now ?? Date.now();
  return writeBatchHeader(
    out,
    builder.count,
    builder.baseTimestamp,
    builder.maxTimestamp,
    compression,
    now,
    options,
  );
}

/** A batch of `plain`'s records section compressed, with room for the header. */
function compressed(compression: Compression, plain: Buffer): Buffer {
  const records = compressRecords(compression, plain.subarray(BatchField.Records));
  const out = Buffer.allocUnsafe(BatchField.Records + records.length);
  out.set(records, BatchField.Records);
  return out;
}

/** Writes the header of the batch `out` of `count` records, CRC last; returns `out`. */
function writeBatchHeader(
  out: Buffer,
  count: number,
  baseTimestamp: number,
  maxTimestamp: number,
  compression: Compression,
  now: number,
  options: EncodeBatchOptions,
): Buffer {
  let attributes = compression as number;
  if (options.logAppendTime) {
    attributes |= Attribute.LogAppendTime;
    maxTimestamp = now;
  }
  if (options.transactional) attributes |= Attribute.Transactional;
  if (options.control) attributes |= Attribute.Control;

  writeInt64(out, BatchField.BaseOffset, options.baseOffset ?? 0);
  out.writeInt32BE(out.length - BatchLimits.LogOverhead, BatchField.BatchLength);
  out.writeInt32BE(options.partitionLeaderEpoch ?? -1, BatchField.PartitionLeaderEpoch);
  out[BatchField.Magic] = BatchLimits.Magic;
  out.writeInt16BE(attributes, BatchField.Attributes);
  out.writeInt32BE(count - 1, BatchField.LastOffsetDelta);
  writeInt64(out, BatchField.BaseTimestamp, baseTimestamp);
  writeInt64(out, BatchField.MaxTimestamp, maxTimestamp);
  writeInt64(out, BatchField.ProducerId, options.producerId ?? -1);
  out.writeInt16BE(options.producerEpoch ?? -1, BatchField.ProducerEpoch);
  out.writeInt32BE(options.baseSequence ?? -1, BatchField.BaseSequence);
  out.writeInt32BE(count, BatchField.RecordCount);
  out.writeUInt32BE(crc32c(out, BatchField.Attributes), BatchField.Crc);
  return out;
}
