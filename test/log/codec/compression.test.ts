import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CorruptRecordError } from '../../../src/errors.js';
import { stampIncomingBatches } from '../../../src/log/incoming-batches.js';
import {
  COMPRESSION_TYPES,
  Compression,
  compressRecords,
  decodeBatches,
  decompressRecords,
  encodeRecordBatch,
  readBatchHeader,
  verifyBatch,
} from '../../../src/log/index.js';
import type { LogRecord } from '../../../src/log/types.js';

const CODECS = [Compression.Gzip, Compression.Snappy, Compression.Lz4, Compression.Zstd];

/** Bytes that compress (a few distinct letters) or do not (random), short and long. */
const bytesArb = fc
  .oneof(
    { arbitrary: fc.uint8Array({ maxLength: 64 }), weight: 10 },
    {
      arbitrary: fc
        .array(fc.constantFrom(97, 98, 99, 32), { maxLength: 2_000 })
        .map((a) => Uint8Array.from(a)),
      weight: 10,
    },
    { arbitrary: fc.uint8Array({ minLength: 30_000, maxLength: 90_000 }), weight: 1 },
  )
  .map((a) => Buffer.from(a));

const recordArb = fc.record(
  {
    key: fc.option(fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a))),
    value: fc.option(bytesArb),
    headers: fc.array(
      fc.record({
        key: fc.string({ unit: 'grapheme', maxLength: 12 }),
        value: fc.option(fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a))),
      }),
      { maxLength: 3 },
    ),
    timestamp: fc.integer({ min: 0, max: 4_000_000_000_000 }),
  },
  { requiredKeys: ['value'] },
);

describe('log › codec › compression', () => {
  it('decompresses what it compresses, in every codec, for any bytes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CODECS), bytesArb, (codec, data) => {
        expect(decompressRecords(codec, compressRecords(codec, data)).equals(data)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('decodes the records of a batch it encodes compressed, in every codec, for any records', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CODECS),
        fc.array(recordArb, { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (codec, records, baseOffset) => {
          const now = 1_700_000_000_000;
          const batch = encodeRecordBatch(records, {
            baseOffset,
            now,
            compression: codec,
            reuseBuffer: true,
          });
          verifyBatch(batch, 0);
          const header = readBatchHeader(batch, 0);
          expect(header.attributes & 0x07).toBe(codec);
          expect(header.recordCount).toBe(records.length);
          const plain = encodeRecordBatch(records, { baseOffset, now });
          expect(decompressRecords(codec, batch.subarray(61)).equals(plain.subarray(61))).toBe(true);
          const expected = records.map(
            (r, i): LogRecord => ({
              offset: baseOffset + i,
              timestamp: r.timestamp ?? now,
              key: r.key ?? null,
              value: r.value,
              headers: r.headers ?? [],
            }),
          );
          expect(decodeBatches(batch)).toEqual(expected);
          // The log accepts it as a client's batch, and it reads back the same.
          const sent = Buffer.from(batch);
          expect(stampIncomingBatches(sent, 5, 1 << 24, 't', 0, -1).records).toBe(records.length);
          expect(decodeBatches(sent).map((r) => r.offset)).toEqual(records.map((_, i) => 5 + i));
        },
      ),
      { numRuns: 120 },
    );
  });

  it('writes snappy in snappy-java framing, 32 KiB of input a block, and reads it and raw snappy blocks', () => {
    const data = Buffer.alloc(70_000, 'sluice ');
    const framed = compressRecords(Compression.Snappy, data);
    expect(framed.subarray(0, 8)).toEqual(Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]));
    expect(framed.readInt32BE(8)).toBe(1); // version
    expect(framed.readInt32BE(12)).toBe(1); // compatible version
    let blocks = 0;
    for (let at = 16; at < framed.length; blocks++) at += 4 + framed.readInt32BE(at);
    expect(blocks).toBe(3); // 32 KiB + 32 KiB + the rest
    // One raw block, as some clients send: the first block of the framing holds the first 32 KiB.
    const firstBlock = framed.subarray(20, 20 + framed.readInt32BE(16));
    expect(decompressRecords(Compression.Snappy, firstBlock)).toEqual(data.subarray(0, 32 * 1024));
    expect(decompressRecords(Compression.Snappy, framed)).toEqual(data);
  });

  it('writes an LZ4 frame with a valid descriptor, a zstd frame and a gzip member', () => {
    const data = Buffer.from('the same words, the same words, the same words');
    const lz4 = compressRecords(Compression.Lz4, data);
    expect(lz4.readUInt32LE(0)).toBe(0x184d2204);
    expect(lz4[4]! >> 6).toBe(1); // frame version 01
    const zstd = compressRecords(Compression.Zstd, data);
    expect(zstd.readUInt32LE(0)).toBe(0xfd2fb528);
    expect(gunzipSync(compressRecords(Compression.Gzip, data))).toEqual(data);
  });

  it('names the codec of records that do not decompress, cut short or padded', () => {
    // zlib reads past zero bytes after a gzip member, as gzip(1) does: padding is refused for the other codecs.
    for (const [codec, change] of CODECS.flatMap((codec) =>
      (codec === Compression.Gzip ? [1, 3, 4, 5] : [1, 3, 4, 5, -1, -4]).map(
        (change) => [codec, change] as const,
      ),
    )) {
      const batch = encodeRecordBatch([{ value: Buffer.alloc(500, 'x') }], { compression: codec });
      const cut =
        change > 0 ? batch.subarray(0, batch.length - change) : Buffer.concat([batch, Buffer.alloc(-change)]);
      cut.writeInt32BE(cut.length - 12, 8);
      cut.writeInt32BE(cut.length - 12, 8);
      let thrown: unknown;
      try {
        decodeBatches(cut);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(CorruptRecordError);
      expect((thrown as Error).message).toContain(`${COMPRESSION_TYPES[codec]} records of the batch`);
    }
  });
});
