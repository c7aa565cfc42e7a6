/**
 * Big-endian readers and writers for the classic (non-flexible) Kafka encodings used inside group payloads and
 * `__consumer_offsets` records: int16/int32/int64, STRING (int16 length, -1 = null), BYTES (int32 length,
 * -1 = null) and ARRAY (int32 count, -1 = null).
 */
import { CorruptRecordError } from '../errors.js';

/** Appends fields to a growing list of chunks; `finish()` concatenates them once. */
export class BinaryWriter {
  private readonly chunks: Buffer[] = [];

  int16(value: number): this {
    const b = Buffer.allocUnsafe(2);
    b.writeInt16BE(value);
    this.chunks.push(b);
    return this;
  }

  int32(value: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(value);
    this.chunks.push(b);
    return this;
  }

  int64(value: number): this {
    const b = Buffer.allocUnsafe(8);
    b.writeBigInt64BE(BigInt(value));
    this.chunks.push(b);
    return this;
  }

  string(value: string | null): this {
    if (value === null) return this.int16(-1);
    const bytes = Buffer.from(value, 'utf8');
    this.int16(bytes.length);
    this.chunks.push(bytes);
    return this;
  }

  bytes(value: Buffer | null): this {
    if (value === null) return this.int32(-1);
    this.int32(value.length);
    this.chunks.push(value);
    return this;
  }

  array<T>(items: readonly T[], write: (item: T, writer: this) => void): this {
    this.int32(items.length);
    for (const item of items) write(item, this);
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Reads fields in order; any read past the end throws a {@link CorruptRecordError} naming `what`. */
export class BinaryReader {
  private position = 0;

  constructor(
    private readonly buffer: Buffer,
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.buffer.length - this.position;
  }

  int16(): number {
    this.need(2);
    const v = this.buffer.readInt16BE(this.position);
    this.position += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buffer.readInt32BE(this.position);
    this.position += 4;
    return v;
  }

  int64(): number {
    this.need(8);
    const v = this.buffer.readBigInt64BE(this.position);
    this.position += 8;
    return Number(v);
  }

  string(): string | null {
    const length = this.int16();
    if (length < 0) return null;
    this.need(length);
    const v = this.buffer.toString('utf8', this.position, this.position + length);
    this.position += length;
    return v;
  }

  bytes(): Buffer | null {
    const length = this.int32();
    if (length < 0) return null;
    this.need(length);
    const v = this.buffer.subarray(this.position, this.position + length);
    this.position += length;
    return v;
  }

  array<T>(read: (reader: this) => T): T[] {
    const count = this.int32();
    if (count < 0) return [];
    if (count > this.remaining) throw this.corrupt(`array of ${count} items`);
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(read(this));
    return items;
  }

  private need(n: number): void {
    if (n > this.remaining) throw this.corrupt(`${n} bytes`);
  }

  private corrupt(wanted: string): CorruptRecordError {
    return new CorruptRecordError(
      `${this.what}: expected ${wanted} at byte ${this.position} but only ${this.remaining} remain of ${this.buffer.length}`,
      { position: this.position },
    );
  }
}
