/**
 * Big-endian encoder for the Kafka wire protocol. Bytes accumulate in a growable scratch buffer; large payloads
 * (record batches served by Fetch) are kept as separate chunks so they reach the socket without being copied.
 */
const MIN_CAPACITY = 256;
/** Raw payloads at least this large become their own chunk instead of being copied into the scratch buffer. */
const ZERO_COPY_THRESHOLD = 4096;
const TWO_POW_32 = 4294967296;

export class Writer {
  private buf: Buffer;
  private pos = 0;
  private readonly chunks: Buffer[] = [];
  private flushedBytes = 0;

  constructor(capacity = MIN_CAPACITY) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.flushedBytes + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n, MIN_CAPACITY));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  uint16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  uint32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  /** An int64 given as a JavaScript number; exact for safe integers, which is all offsets and timestamps need. */
  int64(v: number): this {
    this.ensure(8);
    const hi = Math.floor(v / TWO_POW_32);
    this.buf.writeInt32BE(hi, this.pos);
    this.buf.writeUInt32BE(v - hi * TWO_POW_32, this.pos + 4);
    this.pos += 8;
    return this;
  }

  float64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }

  /** Unsigned LEB128 varint of a 32-bit value: the lengths and tags of flexible versions. */
  uvarint(v: number): this {
    this.ensure(5);
    let n = v >>> 0;
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.pos++] = n;
    return this;
  }

  /** Zigzag varint (int32), as in record fields. */
  varint(v: number): this {
    return this.uvarint((v << 1) ^ (v >> 31));
  }

  /** Zigzag varlong (int64) of a safe integer. */
  varlong(v: number): this {
    this.ensure(10);
    let n = BigInt.asUintN(64, (BigInt(v) << 1n) ^ (BigInt(v) >> 63n));
    while (n >= 0x80n) {
      this.buf[this.pos++] = Number(n & 0x7fn) | 0x80;
      n >>= 7n;
    }
    this.buf[this.pos++] = Number(n);
    return this;
  }

  uuid(v: Buffer): this {
    return this.raw(v.length === 16 ? v : Buffer.alloc(16));
  }

  /** int16 length + UTF-8; null as length -1. */
  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const n = Buffer.byteLength(v);
    this.int16(n);
    this.ensure(n);
    this.pos += this.buf.write(v, this.pos, 'utf8');
    return this;
  }

  /** Unsigned varint of length + 1 (0 = null) + UTF-8. */
  compactString(v: string | null): this {
    if (v === null) return this.uvarint(0);
    const n = Buffer.byteLength(v);
    this.uvarint(n + 1);
    this.ensure(n);
    this.pos += this.buf.write(v, this.pos, 'utf8');
    return this;
  }

  /** int32 length + bytes; null as length -1. */
  bytes(v: Buffer | null): this {
    if (v === null) return this.int32(-1);
    return this.int32(v.length).raw(v);
  }

  /** Unsigned varint of length + 1 (0 = null) + bytes. */
  compactBytes(v: Buffer | null): this {
    if (v === null) return this.uvarint(0);
    return this.uvarint(v.length + 1).raw(v);
  }

  raw(v: Buffer): this {
    if (v.length >= ZERO_COPY_THRESHOLD) {
      this.chunks.push(this.buf.subarray(0, this.pos));
      this.flushedBytes += this.pos;
      this.buf = this.buf.subarray(this.pos);
      this.pos = 0;
      this.chunks.push(v);
      this.flushedBytes += v.length;
      return this;
    }
    this.ensure(v.length);
    v.copy(this.buf, this.pos);
    this.pos += v.length;
    return this;
  }

  /** The encoded bytes as chunks, in order, for `socket.write`/`writev` without concatenation. */
  chunksOut(): Buffer[] {
    const out = this.chunks.filter((c) => c.length > 0);
    if (this.pos > 0) out.push(this.buf.subarray(0, this.pos));
    return out;
  }

  /** The encoded bytes as one buffer. */
  toBuffer(): Buffer {
    const chunks = this.chunksOut();
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.length);
  }
}
