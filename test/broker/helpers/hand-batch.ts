import { crc32c } from '@node-rs/crc32';

/**
 * A RecordBatch v2 built by hand, byte by byte, independently of the project's encoder, so tests can send what a
 * hostile or broken client would: every header field may be overridden, and the CRC is recomputed afterwards
 * (a batch that passes the CRC check but lies in its header or records).
 */
export interface HandBatchOptions {
  values: string[];
  lastOffsetDelta?: number;
  recordCount?: number;
  attributes?: number;
  /** offsetDelta of record i; default i. */
  offsetDelta?: (i: number) => number;
  /** Added to record i's length varint; default 0. */
  lengthSkew?: (i: number) => number;
}

function zigzag(n: number): number[] {
  let v = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

export function handBatch(o: HandBatchOptions): Buffer {
  const records = o.values.map((value, i) => {
    const v = Buffer.from(value);
    const body = Buffer.from([
      0, // attributes
      ...zigzag(0), // timestampDelta
      ...zigzag(o.offsetDelta ? o.offsetDelta(i) : i),
      ...zigzag(-1), // null key
      ...zigzag(v.length),
      ...v,
      ...zigzag(0), // no headers
    ]);
    return Buffer.concat([Buffer.from(zigzag(body.length + (o.lengthSkew?.(i) ?? 0))), body]);
  });
  const recordBytes = Buffer.concat(records);
  const header = Buffer.alloc(61);
  header.writeBigInt64BE(0n, 0); // baseOffset: the broker assigns it
  header.writeInt32BE(49 + recordBytes.length, 8);
  header.writeInt32BE(0, 12); // partitionLeaderEpoch
  header.writeInt8(2, 16); // magic
  header.writeInt16BE(o.attributes ?? 0, 21);
  header.writeInt32BE(o.lastOffsetDelta ?? o.values.length - 1, 23);
  header.writeBigInt64BE(1_700_000_000_000n, 27);
  header.writeBigInt64BE(1_700_000_000_000n, 35);
  header.writeBigInt64BE(-1n, 43); // producerId
  header.writeInt16BE(-1, 51);
  header.writeInt32BE(-1, 53);
  header.writeInt32BE(o.recordCount ?? o.values.length, 57);
  const batch = Buffer.concat([header, recordBytes]);
  batch.writeUInt32BE(crc32c(batch.subarray(21)) >>> 0, 17);
  return batch;
}
