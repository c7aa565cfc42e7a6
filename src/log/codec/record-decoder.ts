/**
 * Decodes the records of RecordBatch v2 batches (grammar in record-batch.ts). Keys and values are views of the
 * input (no copies, see buffer-view.ts); header keys are decoded as UTF-8, once per distinct key seen lately (see
 * headerKey). The only objects made per record are the record itself and, when it has headers, its header list
 * (records without share one frozen empty list) and the headers that differ from the record before's (see
 * readHeaders).
 */
import { CorruptRecordError } from '../../errors.js';
import type { Header, LogRecord } from '../types.js';
import { batchSizeAt, verifyBatch } from './batch-header.js';
import { Attribute, BatchField, BatchLimits, Compression, readInt64 } from './batch-layout.js';
import { bufferView } from './buffer-view.js';
import { codecName, decompressRecords, isKnownCodec, unsupportedCodecError } from './compression.js';
import { type Cursor, readVarint, readVarlong } from './varint.js';

const cursor: Cursor = { pos: 0 };
/** Shared by every record without headers (most of them); frozen, so a reader that tries to add to it fails loudly. */
const NO_HEADERS: Header[] = Object.freeze([]) as unknown as Header[];

function corrupt(message: string, position: number): CorruptRecordError {
  return new CorruptRecordError(message, { position });
}

/**
 * Reads a zigzag-length-prefixed byte string ending no later than `end`; -1 is null. `memory` and `base` are
 * `data.buffer` and `data.byteOffset`, read once per batch by the caller.
 */
function readBytes(data: Buffer, end: number, memory: ArrayBufferLike, base: number): Buffer | null {
  const length = readVarint(data, cursor);
  if (length < 0) return null;
  const start = cursor.pos;
  if (start + length > end)
    throw corrupt(`field of ${length} bytes at position ${start} overruns its record`, start);
  cursor.pos = start + length;
  return bufferView(memory, base + start, length);
}

/** Header keys decoded lately, in slots by a hash of their bytes. */
const KEY_SLOTS = 64;
const keySlots: ({ bytes: Buffer; key: string } | undefined)[] = new Array(KEY_SLOTS);

/**
 * The UTF-8 key in `data[start, end)`. Records repeat the same few header keys: hashing and comparing a short
 * key's bytes with the key last seen in its slot costs less than decoding it into a new string (a native call and
 * an allocation per header). Hand-written for that: a record with three 15–24-byte header keys decodes in 255 ns
 * instead of 355 ns of CPU (1,000-record batches, measured on this project's 2-core machine).
 */
function headerKey(data: Buffer, start: number, end: number): string {
  const length = end - start;
  if (length === 0) return '';
  if (length > 64) return data.toString('utf8', start, end);
  let hash = length;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ data[i]!, 0x01000193);
  const slot = (hash >>> 7) & (KEY_SLOTS - 1);
  const cached = keySlots[slot];
  if (cached !== undefined && cached.bytes.length === length) {
    const bytes = cached.bytes;
    let i = 0;
    while (i < length && bytes[i] === data[start + i]) i++;
    if (i === length) return cached.key;
  }
  const key = data.toString('utf8', start, end);
  // A copy: the slot must not keep the read buffer it came from alive.
  keySlots[slot] = { bytes: Buffer.from(data.subarray(start, end)), key };
  return key;
}

/**
 * The headers of the record decoded last in the batch being decoded (reset per batch). Records of a batch often
 * repeat a header exactly (a CSV source's file name and modified time on every row of a file): such a header is
 * shared with the record before instead of being made again, which saves a header object and a Buffer per record
 * and header. Values of at most {@link SHARED_VALUE_MAX} bytes are compared. Hand-written for that: a stream
 * reading records with three headers, two of them repeated, spent 30% of its CPU on headers (measured on this
 * project's 2-core machine: the quickstart's clean stream over 1M rows, 8.4 s of CPU with the headers, 5.9 s
 * without).
 */
let previousHeaders: readonly Header[] = NO_HEADERS;
const SHARED_VALUE_MAX = 64;

/** True when `data[start, start + length)` holds the same bytes as `value`. */
function sameBytes(data: Buffer, start: number, length: number, value: Buffer): boolean {
  if (value.length !== length) return false;
  for (let i = 0; i < length; i++) if (value[i] !== data[start + i]) return false;
  return true;
}

function readHeaders(data: Buffer, count: number, end: number): Header[] {
  const memory = data.buffer;
  const base = data.byteOffset;
  const previous = previousHeaders;
  const headers: Header[] = new Array(count);
  for (let h = 0; h < count; h++) {
    const keyLength = readVarint(data, cursor);
    const start = cursor.pos;
    if (keyLength < 0 || start + keyLength > end) {
      throw corrupt(`header key of length ${keyLength} at position ${start} is invalid`, start);
    }
    cursor.pos = start + keyLength;
    const key = headerKey(data, start, start + keyLength);
    const valueLength = readVarint(data, cursor);
    const valueStart = cursor.pos;
    if (valueLength >= 0 && valueStart + valueLength > end)
      throw corrupt(
        `field of ${valueLength} bytes at position ${valueStart} overruns its record`,
        valueStart,
      );
    const before = h < previous.length ? previous[h] : undefined;
    if (valueLength < 0) {
      headers[h] =
        before !== undefined && before.key === key && before.value === null ? before : { key, value: null };
      continue;
    }
    cursor.pos = valueStart + valueLength;
    headers[h] =
      before !== undefined &&
      before.key === key &&
      before.value !== null &&
      valueLength <= SHARED_VALUE_MAX &&
      sameBytes(data, valueStart, valueLength, before.value)
        ? before
        : { key, value: bufferView(memory, base + valueStart, valueLength) };
  }
  previousHeaders = headers;
  return headers;
}

/**
 * Decodes `count` records laid out in `data[pos, end)`. `fixedTimestamp` >= 0 replaces every record's timestamp
 * (LogAppendTime batches).
 */
function decodeRecords(
  data: Buffer,
  pos: number,
  end: number,
  count: number,
  baseOffset: number,
  baseTimestamp: number,
  fixedTimestamp: number,
  out: LogRecord[],
  fromOffset: number,
): void {
  const memory = data.buffer;
  const base = data.byteOffset;
  previousHeaders = NO_HEADERS;
  for (let i = 0; i < count; i++) {
    cursor.pos = pos;
    const length = readVarint(data, cursor);
    const recordEnd = cursor.pos + length;
    if (length < 1 || recordEnd > end) {
      throw corrupt(`record ${i} at position ${pos} has length ${length}, past the end of its batch`, pos);
    }
    cursor.pos++; // record attributes: unused
    const timestampDelta = readVarlong(data, cursor);
    const offset = baseOffset + readVarint(data, cursor);
    if (offset < fromOffset) {
      pos = recordEnd;
      continue;
    }
    const key = readBytes(data, recordEnd, memory, base);
    const value = readBytes(data, recordEnd, memory, base);
    const headerCount = readVarint(data, cursor);
    const headers = headerCount === 0 ? NO_HEADERS : readHeaders(data, headerCount, recordEnd);
    if (cursor.pos !== recordEnd) {
      throw corrupt(
        `record ${i} at position ${pos} is ${length} bytes long but its fields take ${cursor.pos - pos}`,
        pos,
      );
    }
    out.push({
      offset,
      timestamp: fixedTimestamp >= 0 ? fixedTimestamp : baseTimestamp + timestampDelta,
      key,
      value,
      headers,
    });
    pos = recordEnd;
  }
  // Held no longer than the batch: the shared headers are views of its bytes.
  previousHeaders = NO_HEADERS;
  if (pos !== end)
    throw corrupt(`${end - pos} bytes follow the last record of the batch, at position ${pos}`, pos);
}

/**
 * Appends the records of the batch at `position` with offset >= `fromOffset` to `out`. The batch must be whole
 * (check it with `verifyBatch` when it comes from an untrusted place). gzip, snappy, lz4 and zstd records are
 * decompressed (compression.ts); an unassigned codec id (5-7) throws a SluiceError with code
 * `UNSUPPORTED_COMPRESSION_TYPE`, and records that do not decompress a {@link CorruptRecordError}.
 */
export function decodeBatchRecords(buf: Buffer, position: number, out: LogRecord[], fromOffset = 0): void {
  const size = batchSizeAt(buf, position);
  if (size < BatchField.Records || position + size > buf.length) {
    throw corrupt(`record batch at position ${position} is incomplete or shorter than 61 bytes`, position);
  }
  const baseOffset = readInt64(buf, position + BatchField.BaseOffset);
  const attributes = buf.readInt16BE(position + BatchField.Attributes);
  const count = buf.readInt32BE(position + BatchField.RecordCount);
  const baseTimestamp = readInt64(buf, position + BatchField.BaseTimestamp);
  const fixedTimestamp =
    attributes & Attribute.LogAppendTime ? readInt64(buf, position + BatchField.MaxTimestamp) : -1;
  const codec = attributes & Attribute.CompressionMask;
  const start = position + BatchField.Records;
  const end = position + size;
  if (codec === Compression.None) {
    decodeRecords(buf, start, end, count, baseOffset, baseTimestamp, fixedTimestamp, out, fromOffset);
  } else {
    if (!isKnownCodec(codec)) throw unsupportedCodecError(codec, `record batch at position ${position}`);
    let data: Buffer;
    try {
      data = decompressRecords(codec, buf.subarray(start, end));
    } catch (cause) {
      throw new CorruptRecordError(
        `${codecName(codec)} records of the batch at position ${position} do not decompress: ${(cause as Error).message}`,
        { position, cause },
      );
    }
    decodeRecords(data, 0, data.length, count, baseOffset, baseTimestamp, fixedTimestamp, out, fromOffset);
  }
}

/**
 * Decodes every whole batch in `buf` (a trailing partial batch, as a fetch may return, is ignored). Control batches
 * are skipped unless `includeControl`; records before `fromOffset` are left out; `verify` checks each batch's CRC
 * first (as a Kafka consumer does with `check.crcs`).
 */
export function decodeBatches(
  buf: Buffer,
  options: { fromOffset?: number; includeControl?: boolean; verify?: boolean } = {},
): LogRecord[] {
  const out: LogRecord[] = [];
  const fromOffset = options.fromOffset ?? 0;
  let position = 0;
  for (;;) {
    const size = batchSizeAt(buf, position);
    if (size < 0 || position + size > buf.length) break;
    if (size < BatchField.Records || buf[position + BatchField.Magic] !== BatchLimits.Magic) {
      verifyBatch(buf, position); // throws the precise reason
    }
    if (options.verify) verifyBatch(buf, position);
    const attributes = buf.readInt16BE(position + BatchField.Attributes);
    const lastOffset =
      readInt64(buf, position + BatchField.BaseOffset) +
      buf.readInt32BE(position + BatchField.LastOffsetDelta);
    if (lastOffset >= fromOffset && (options.includeControl || !(attributes & Attribute.Control))) {
      decodeBatchRecords(buf, position, out, fromOffset);
    }
    position += size;
  }
  return out;
}
