/**
 * What Kafka's LogValidator checks in a batch a client sends, beyond its frame and CRC (batch-header.ts): the
 * header and the records must agree, because the log trusts them from then on. A batch with a valid CRC can still
 * claim 2^31 offsets for one record, or records that overrun it, and a log that stored it as it is would hand out
 * offsets no record has, or become unreadable at that batch.
 *
 * - recordCount ≥ 1 and lastOffsetDelta = recordCount − 1;
 * - records (after decompressing them, whatever the codec) are exactly recordCount, each with offsetDelta equal to its index, and each
 *   record's length covers exactly its fields; the last ends where the batch ends;
 * - no control batch: only the log writes commit and abort markers.
 */
import { Attribute, BatchField, Compression } from './batch-layout.js';
import { codecName, decompressRecords, isKnownCodec } from './compression.js';
import { type Cursor, readVarint, readVarlong } from './varint.js';

const cursor: Cursor = { pos: 0 };

/** Skips a varint-length-prefixed field (−1 = null); false when it runs past `end`. */
function skipBytes(data: Uint8Array, end: number): boolean {
  const length = readVarint(data, cursor);
  if (length < -1) return false;
  if (length > 0) cursor.pos += length;
  return cursor.pos <= end;
}

/** Why the `count` records in `data[pos, end)` are not what the header says, or null. */
function recordsProblem(data: Uint8Array, pos: number, end: number, count: number): string | null {
  for (let i = 0; i < count; i++) {
    if (pos >= end) return `the batch claims ${count} records but holds ${i}`;
    cursor.pos = pos;
    const length = readVarint(data, cursor);
    const recordEnd = cursor.pos + length;
    if (length < 1 || recordEnd > end) return `record ${i} claims ${length} bytes, past the end of its batch`;
    cursor.pos++; // attributes
    readVarlong(data, cursor); // timestampDelta
    const offsetDelta = readVarint(data, cursor);
    if (offsetDelta !== i) return `record ${i} has offset delta ${offsetDelta}, not ${i}`;
    if (!skipBytes(data, recordEnd) || !skipBytes(data, recordEnd))
      return `the key or value of record ${i} overruns the record`;
    const headers = readVarint(data, cursor);
    if (headers < 0) return `record ${i} has a negative header count ${headers}`;
    for (let h = 0; h < headers; h++) {
      if (!skipBytes(data, recordEnd) || !skipBytes(data, recordEnd))
        return `header ${h} of record ${i} overruns the record`;
    }
    if (cursor.pos !== recordEnd)
      return `record ${i} is ${length} bytes long but its fields end ${cursor.pos - recordEnd} bytes off`;
    pos = recordEnd;
  }
  if (pos !== end) return `${end - pos} bytes follow the last of the batch's ${count} records`;
  return null;
}

/**
 * Why the whole, CRC-checked batch at `at` (of `size` bytes) must not be appended, or null when it may. Compressed
 * records are decompressed and checked as plain ones are: data that does not decompress is refused here, not left
 * for a reader to stop at. The caller refuses unassigned codec ids (5-7) before this.
 */
export function incomingBatchProblem(buf: Buffer, at: number, size: number): string | null {
  const attributes = buf.readInt16BE(at + BatchField.Attributes);
  if (attributes & Attribute.Control) return 'clients may not write control batches (transaction markers)';
  const count = buf.readInt32BE(at + BatchField.RecordCount);
  const lastOffsetDelta = buf.readInt32BE(at + BatchField.LastOffsetDelta);
  if (count < 1) return `the batch has record count ${count}`;
  if (lastOffsetDelta !== count - 1) {
    return `last offset delta ${lastOffsetDelta} does not match the record count ${count} (it must be ${count - 1})`;
  }
  const codec = attributes & Attribute.CompressionMask;
  if (!isKnownCodec(codec)) return `its records are compressed with unknown ${codecName(codec)}`;
  const start = at + BatchField.Records;
  try {
    if (codec === Compression.None) return recordsProblem(buf, start, at + size, count);
    let data: Buffer;
    try {
      data = decompressRecords(codec, buf.subarray(start, at + size));
    } catch (err) {
      return `its ${codecName(codec)} records do not decompress (${(err as Error).message})`;
    }
    return recordsProblem(data, 0, data.length, count);
  } catch (err) {
    // A varint running past the data.
    return `its records do not parse: ${(err as Error).message}`;
  }
}
