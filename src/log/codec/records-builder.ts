/**
 * A RecordBatch v2 built one record at a time: each record is written into the batch's buffer as it is added (the
 * record grammar of record-batch.ts), behind room left for the 61-byte header, which the log writes when it
 * appends the batch ({@link finishRecordBatch} in record-encoder.ts). A producer that adds records so keeps no
 * record object alive while its batch fills: what it queued is bytes outside the JS heap, not objects every
 * young-generation collection has to copy. Word count through a repartition topic promoted about 290 bytes of
 * queued records per word when batches held record objects.
 */
import type { Header } from '../types.js';
import { BatchField } from './batch-layout.js';
import { headersSize, writeHeaders } from './record-encoder.js';
import { varintSize, varlongSize, writeVarint, writeVarlong } from './varint.js';

export class RecordsBuilder {
  #buffer: Buffer;
  #pos = BatchField.Records as number;
  #count = 0;
  #baseTimestamp = 0;
  #maxTimestamp = 0;

  /** `capacity`: the bytes to start with; the buffer doubles when a record does not fit. */
  constructor(capacity = 1024) {
    this.#buffer = Buffer.allocUnsafe(Math.max(capacity, BatchField.Records + 64));
  }

  /** Records added so far. */
  get count(): number {
    return this.#count;
  }

  /** Bytes of the batch so far, header included. */
  get bytes(): number {
    return this.#pos;
  }

  /** The first record's timestamp: every record's timestamp is written as its difference from it. */
  get baseTimestamp(): number {
    return this.#baseTimestamp;
  }

  get maxTimestamp(): number {
    return this.#maxTimestamp;
  }

  /** The buffer the batch is written in, from its header to `bytes`: the log finishes the header in place. */
  get buffer(): Buffer {
    return this.#buffer;
  }

  /** Writes one record (offset delta = records added before it); returns the bytes it took. */
  add(
    key: Buffer | null | undefined,
    value: Buffer | null,
    headers: readonly Header[] | undefined,
    timestamp: number,
  ): number {
    const index = this.#count;
    if (index === 0) {
      this.#baseTimestamp = timestamp;
      this.#maxTimestamp = timestamp;
    } else if (timestamp > this.#maxTimestamp) this.#maxTimestamp = timestamp;
    const delta = timestamp - this.#baseTimestamp;
    let body = 1 + varlongSize(delta) + varintSize(index);
    body += key == null ? 1 : varintSize(key.length) + key.length;
    body += value === null ? 1 : varintSize(value.length) + value.length;
    body += headers === undefined || headers.length === 0 ? 1 : headersSize(headers);
    const size = varintSize(body) + body;
    if (this.#pos + size > this.#buffer.length) this.#grow(this.#pos + size);
    const out = this.#buffer;
    let pos = writeVarint(out, this.#pos, body);
    out[pos++] = 0; // record attributes: unused, always 0
    pos = writeVarlong(out, pos, delta);
    pos = writeVarint(out, pos, index);
    if (key == null) {
      out[pos++] = 1; // zigzag(-1): null key
    } else {
      pos = writeVarint(out, pos, key.length);
      out.set(key, pos);
      pos += key.length;
    }
    if (value === null) {
      out[pos++] = 1; // zigzag(-1): null value, a tombstone
    } else {
      pos = writeVarint(out, pos, value.length);
      out.set(value, pos);
      pos += value.length;
    }
    if (headers === undefined || headers.length === 0) out[pos++] = 0;
    else pos = writeHeaders(out, pos, headers);
    this.#pos = pos;
    this.#count = index + 1;
    return size;
  }

  #grow(needed: number): void {
    let capacity = this.#buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.#buffer.copy(grown, 0, 0, this.#pos);
    this.#buffer = grown;
  }
}
