import { ProtocolError } from './protocol-error.js';

const TWO_POW_32 = 4294967296;

/**
 * Big-endian decoder over one request or response frame. Every read checks the bounds first, so a truncated or
 * lying frame raises a {@link ProtocolError} instead of reading past the end. Byte fields are returned as views of
 * the frame (no copy): record batches received by Produce go to the log as they came.
 */
export class Reader {
  pos: number;
  readonly end: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new ProtocolError(
        `truncated frame: ${what} needs ${n} bytes at position ${this.pos} but only ${this.end - this.pos} remain`,
      );
    }
  }

  int8(): number {
    this.need(1, 'int8');
    return this.buf.readInt8(this.pos++);
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    this.need(2, 'int16');
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  uint16(): number {
    this.need(2, 'uint16');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4, 'int32');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(): number {
    this.need(4, 'uint32');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** An int64 as a JavaScript number (exact below 2^53). */
  int64(): number {
    this.need(8, 'int64');
    const v = this.buf.readInt32BE(this.pos) * TWO_POW_32 + this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    return v;
  }

  float64(): number {
    this.need(8, 'float64');
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  uvarint(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      this.need(1, 'varint');
      const b = this.buf[this.pos++];
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
    }
    throw new ProtocolError(`varint at position ${this.pos} is longer than 5 bytes`);
  }

  varint(): number {
    const n = this.uvarint();
    return (n >>> 1) ^ -(n & 1);
  }

  varlong(): number {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      this.need(1, 'varlong');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return Number((result >> 1n) ^ -(result & 1n));
    }
    throw new ProtocolError(`varlong at position ${this.pos} is longer than 10 bytes`);
  }

  uuid(): Buffer {
    return this.raw(16, 'uuid');
  }

  raw(n: number, what = 'bytes'): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  private text(n: number): string {
    this.need(n, 'string');
    const v = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  nullableString(): string | null {
    const n = this.int16();
    if (n < -1) throw new ProtocolError(`string length ${n} at position ${this.pos - 2} is negative`);
    return n === -1 ? null : this.text(n);
  }

  compactNullableString(): string | null {
    const n = this.uvarint();
    return n === 0 ? null : this.text(n - 1);
  }

  nullableBytes(): Buffer | null {
    const n = this.int32();
    if (n < -1) throw new ProtocolError(`bytes length ${n} at position ${this.pos - 4} is negative`);
    return n === -1 ? null : this.raw(n);
  }

  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    return n === 0 ? null : this.raw(n - 1);
  }

  /** An array length: int32 (-1 = null), or in flexible versions an unsigned varint of length + 1 (0 = null). */
  arrayLength(compact: boolean): number {
    const n = compact ? this.uvarint() - 1 : this.int32();
    if (n < -1) throw new ProtocolError(`array length ${n} at position ${this.pos} is negative`);
    // Each element takes at least one byte: a larger count is a lie that would make us allocate for nothing.
    if (n > this.remaining)
      throw new ProtocolError(`array of ${n} elements cannot fit in ${this.remaining} bytes`);
    return n;
  }
}
