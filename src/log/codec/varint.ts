/**
 * Variable-length integers, as Kafka writes them.
 *
 * ```
 * varint   => zigzag(int32), then 7 bits a byte, least significant group first, high bit set on all but the last
 * varlong  => zigzag(int64), same layout, up to 10 bytes
 * uvarint  => uint32 without zigzag (the flexible protocol's compact lengths and tagged-field counts)
 * zigzag(n) = (n << 1) ^ (n >> 63): 0 → 0, -1 → 1, 1 → 2, -2 → 3 …
 * ```
 *
 * Records use the zigzag forms (a null key is length -1, one byte `0x01`); the flexible protocol uses unsigned
 * varints (a null compact string is 0, a present one is length + 1). Mixing them up is the classic bug.
 *
 * Readers take a {@link Cursor}, return the value and advance `cursor.pos`, so that a decoder allocates nothing per
 * call. Writers take a position and return the position after the bytes written. Varlongs are JS numbers: exact
 * over the whole safe-integer range (|n| < 2^53), which covers every offset and timestamp sluice handles.
 */
import { CorruptRecordError } from '../../errors.js';

/** A read position shared by successive reads on one buffer. */
export interface Cursor {
  pos: number;
}

enum Varint {
  ContinuationBit = 0x80, // more bytes follow
  PayloadMask = 0x7f, // the 7 value bits of each byte
  MaxVarintBytes = 5, // 32 bits / 7
  MaxVarlongBytes = 10, // 64 bits / 7
}

const TWO_POW_30 = 2 ** 30; // below it, zigzag fits 32-bit operators

function truncated(pos: number): CorruptRecordError {
  return new CorruptRecordError(`varint at position ${pos} runs past the end of the buffer`, {
    position: pos,
  });
}

function tooLong(pos: number, max: number): CorruptRecordError {
  return new CorruptRecordError(`varint at position ${pos} is longer than ${max} bytes`, { position: pos });
}

/** Reads an unsigned varint (at most 5 bytes) as a uint32. */
export function readUnsignedVarint(buf: Uint8Array, cursor: Cursor): number {
  let pos = cursor.pos;
  const start = pos;
  const end = buf.length;
  if (pos >= end) throw truncated(start);
  let b = buf[pos++];
  if (b < Varint.ContinuationBit) {
    cursor.pos = pos;
    return b;
  }
  let result = b & Varint.PayloadMask;
  let shift = 7;
  do {
    if (pos >= end) throw truncated(start);
    if (shift > 28) throw tooLong(start, Varint.MaxVarintBytes);
    b = buf[pos++];
    result |= (b & Varint.PayloadMask) << shift;
    shift += 7;
  } while (b & Varint.ContinuationBit);
  cursor.pos = pos;
  return result >>> 0;
}

/** Reads a zigzag varint as an int32. */
export function readVarint(buf: Uint8Array, cursor: Cursor): number {
  const pos = cursor.pos;
  // Fast paths for one byte (small lengths, offset deltas under 64, null) and two (lengths and deltas under 8,192).
  if (pos + 1 < buf.length) {
    const b = buf[pos];
    if (b < Varint.ContinuationBit) {
      cursor.pos = pos + 1;
      return (b >>> 1) ^ -(b & 1);
    }
    const b1 = buf[pos + 1];
    if (b1 < Varint.ContinuationBit) {
      cursor.pos = pos + 2;
      const zz = (b & Varint.PayloadMask) | (b1 << 7);
      return (zz >>> 1) ^ -(zz & 1);
    }
  }
  const zz = readUnsignedVarint(buf, cursor);
  return (zz >>> 1) ^ -(zz & 1);
}

/**
 * Reads a zigzag varlong as a number, exact over the whole safe-integer range. The zigzag sign is taken from the
 * first byte and the magnitude accumulated without ever forming 2·|n|, which could pass 2^53.
 */
export function readVarlong(buf: Uint8Array, cursor: Cursor): number {
  let pos = cursor.pos;
  const start = pos;
  const end = buf.length;
  if (pos >= end) throw truncated(start);
  let b = buf[pos++];
  if (b < Varint.ContinuationBit) {
    cursor.pos = pos;
    return (b >>> 1) ^ -(b & 1);
  }
  const negative = b & 1;
  let magnitude = (b & Varint.PayloadMask) >>> 1; // 6 bits of |n| (or of -n - 1)
  let mul = 64;
  let count = 1;
  do {
    if (pos >= end) throw truncated(start);
    if (++count > Varint.MaxVarlongBytes) throw tooLong(start, Varint.MaxVarlongBytes);
    b = buf[pos++];
    magnitude += (b & Varint.PayloadMask) * mul;
    mul *= 128;
  } while (b & Varint.ContinuationBit);
  cursor.pos = pos;
  return negative ? -magnitude - 1 : magnitude;
}

/** Writes n (a uint32) as an unsigned varint at pos; returns the position after it. */
export function writeUnsignedVarint(buf: Uint8Array, pos: number, n: number): number {
  n >>>= 0;
  while (n >= Varint.ContinuationBit) {
    buf[pos++] = (n & Varint.PayloadMask) | Varint.ContinuationBit;
    n >>>= 7;
  }
  buf[pos++] = n;
  return pos;
}

/** Writes n (an int32) as a zigzag varint at pos; returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, n: number): number {
  if (n >= 0 && n < 64) {
    buf[pos] = n << 1;
    return pos + 1;
  }
  return writeUnsignedVarint(buf, pos, (n << 1) ^ (n >> 31));
}

/** Writes n (a safe integer) as a zigzag varlong at pos; returns the position after it. */
export function writeVarlong(buf: Uint8Array, pos: number, n: number): number {
  if (n > -TWO_POW_30 && n < TWO_POW_30) return writeUnsignedVarint(buf, pos, (n << 1) ^ (n >> 31));
  // zigzag(n) = 2m + sign with m = |n| (or -n - 1): emit the sign and 6 bits of m, then m's 7-bit groups.
  const sign = n < 0 ? 1 : 0;
  let m = sign ? -n - 1 : n;
  buf[pos++] = ((m % 64) << 1) | sign | Varint.ContinuationBit;
  m = Math.floor(m / 64);
  while (m >= Varint.ContinuationBit) {
    buf[pos++] = (m % 128) | Varint.ContinuationBit;
    m = Math.floor(m / 128);
  }
  buf[pos++] = m;
  return pos;
}

/** Bytes an unsigned varint of n (a uint32) takes. */
export function unsignedVarintSize(n: number): number {
  n >>>= 0;
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  return 5;
}

/** Bytes a zigzag varint of n (an int32) takes. */
export function varintSize(n: number): number {
  return unsignedVarintSize((n << 1) ^ (n >> 31));
}

/** Bytes a zigzag varlong of n (a safe integer) takes. */
export function varlongSize(n: number): number {
  if (n > -TWO_POW_30 && n < TWO_POW_30) return unsignedVarintSize((n << 1) ^ (n >> 31));
  let m = Math.floor((n < 0 ? -n - 1 : n) / 64); // what is left after the first byte
  let size = 2;
  while (m >= 128) {
    m = Math.floor(m / 128);
    size++;
  }
  return size;
}
