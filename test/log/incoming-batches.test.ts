import { describe, expect, it } from 'vitest';
import { CorruptRecordError, InvalidRecordError, RecordTooLargeError } from '../../src/errors.js';
import { stampIncomingBatches } from '../../src/log/incoming-batches.js';
import { Compression, crc32c, decodeBatches, encodeRecordBatch, verifyBatch } from '../../src/log/index.js';
import { records } from './helpers.js';

describe('log › incoming batches', () => {
  it('stamps consecutive base offsets and counts records, keeping the CRC valid', () => {
    const a = encodeRecordBatch(records(3), {});
    const b = encodeRecordBatch(records(4), {});
    const both = Buffer.concat([a, b]);
    expect(stampIncomingBatches(both, 100, 1 << 20, 't', 0, -1)).toEqual({ nextOffset: 107, records: 7 });
    expect(both.readBigInt64BE(0)).toBe(100n);
    expect(both.readBigInt64BE(a.length)).toBe(103n);
    expect(() => verifyBatch(both, 0)).not.toThrow();
    expect(() => verifyBatch(both, a.length)).not.toThrow();
  });

  it('sets LogAppendTime and recomputes the CRC', () => {
    const batch = encodeRecordBatch(records(2), { now: 1 });
    stampIncomingBatches(batch, 0, 1 << 20, 't', 0, 123_456);
    expect(batch.readInt16BE(21) & 0x08).toBe(0x08);
    expect(batch.readBigInt64BE(35)).toBe(123_456n);
    expect(() => verifyBatch(batch, 0)).not.toThrow();
  });

  it('refuses trailing bytes, a cut batch, a bad CRC and an oversized batch', () => {
    const batch = encodeRecordBatch(records(2), {});
    expect(() =>
      stampIncomingBatches(Buffer.concat([batch, Buffer.alloc(10)]), 0, 1 << 20, 't', 0, -1),
    ).toThrowError('t-0: 10 trailing bytes are not a record batch');
    const cut = Buffer.concat([batch, batch.subarray(0, 70)]);
    expect(() => stampIncomingBatches(cut, 0, 1 << 20, 't', 0, -1)).toThrowError(CorruptRecordError);
    const flipped = Buffer.from(batch);
    flipped[flipped.length - 1]! ^= 0xff;
    expect(() => stampIncomingBatches(flipped, 0, 1 << 20, 't', 0, -1)).toThrowError(/CRC-32C mismatch/);
    expect(() => stampIncomingBatches(batch, 0, 50, 't', 0, -1)).toThrowError(RecordTooLargeError);
  });

  it('accepts batches in every codec and refuses unknown codec ids, though their CRC is valid', () => {
    const good = encodeRecordBatch(records(2), {});
    for (const codec of [Compression.Gzip, Compression.Snappy, Compression.Lz4, Compression.Zstd]) {
      const batch = encodeRecordBatch(records(3), { compression: codec });
      const both = Buffer.concat([good, batch]);
      expect(stampIncomingBatches(both, 40, 1 << 20, 't', 3, -1)).toEqual({ nextOffset: 45, records: 5 });
      expect(decodeBatches(both).map((r) => r.offset)).toEqual([40, 41, 42, 43, 44]);
    }
    for (const codec of [5, 6, 7]) {
      const batch = encodeRecordBatch(records(2), {});
      batch.writeInt16BE(batch.readInt16BE(21) | codec, 21);
      batch.writeUInt32BE(crc32c(batch, 21, batch.length), 17);
      const both = Buffer.concat([good, batch]);
      let thrown: unknown;
      try {
        stampIncomingBatches(both, 40, 1 << 20, 't', 3, -1);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toMatchObject({
        code: 'UNSUPPORTED_COMPRESSION_TYPE',
        message: `t-3: the batch at byte ${good.length} is compressed with codec ${codec}, which is none of Kafka's codecs; use none, gzip, snappy, lz4 or zstd`,
      });
    }
  });

  it('refuses compressed records that do not decompress or disagree with the header', () => {
    for (const codec of [Compression.Gzip, Compression.Snappy, Compression.Lz4, Compression.Zstd]) {
      const batch = encodeRecordBatch(records(3), { compression: codec });
      const mangled = Buffer.from(batch);
      for (let i = 61 + 4; i < mangled.length; i += 3) mangled[i] ^= 0x5a;
      mangled.writeUInt32BE(crc32c(mangled, 21, mangled.length), 17);
      expect(() => stampIncomingBatches(mangled, 0, 1 << 20, 't', 0, -1)).toThrowError(InvalidRecordError);
      const miscounted = Buffer.from(batch);
      miscounted.writeInt32BE(2, 57); // record count 2 of 3
      miscounted.writeInt32BE(1, 23);
      miscounted.writeUInt32BE(crc32c(miscounted, 21, miscounted.length), 17);
      expect(() => stampIncomingBatches(miscounted, 0, 1 << 20, 't', 0, -1)).toThrowError(
        /follow the last of the batch's 2 records/,
      );
    }
  });
});
