import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CorruptRecordError, SluiceError } from '../../../src/errors.js';
import {
  batchSizeAt,
  decodeBatches,
  decodeBatchRecords,
  encodeRecordBatch,
  RECORD_BATCH_OVERHEAD,
  readBatchHeader,
  stampBaseOffset,
  verifyBatch,
} from '../../../src/log/codec/record-batch.js';
import type { AppendRecord, LogRecord } from '../../../src/log/types.js';
import {
  GZIP_BATCH_HEX,
  PRODUCE_V3_BATCH_HEX,
  PRODUCE_V3_RECORDS,
  PRODUCE_V3_TIMESTAMP,
} from './fixtures/kafka-batches.js';

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('log › codec › record batch › Kafka byte vectors', () => {
  const kafkajsBatch = Buffer.from(PRODUCE_V3_BATCH_HEX, 'hex');
  const kafkajsRecords: AppendRecord[] = PRODUCE_V3_RECORDS.map((r) => ({
    key: Buffer.from(r.key),
    value: Buffer.from(r.value),
    timestamp: PRODUCE_V3_TIMESTAMP,
    headers: r.headers.map(([key, value]) => ({ key, value: Buffer.from(value) })),
  }));

  it('encodes byte for byte what kafkajs sends in a Produce v3 request', () => {
    const encoded = encodeRecordBatch(kafkajsRecords, {
      producerId: -1,
      producerEpoch: 0,
      baseSequence: 10,
      partitionLeaderEpoch: 0,
    });
    expect(encoded.toString('hex')).toBe(PRODUCE_V3_BATCH_HEX);
  });

  it('reads the header fields of the kafkajs batch', () => {
    expect(readBatchHeader(kafkajsBatch, 0)).toEqual({
      baseOffset: 0,
      batchLength: 258,
      partitionLeaderEpoch: 0,
      magic: 2,
      crc: 0xd20a45ed,
      attributes: 0,
      lastOffsetDelta: 2,
      baseTimestamp: PRODUCE_V3_TIMESTAMP,
      maxTimestamp: PRODUCE_V3_TIMESTAMP,
      producerId: -1,
      producerEpoch: 0,
      baseSequence: 10,
      recordCount: 3,
    });
    expect(batchSizeAt(kafkajsBatch, 0)).toBe(270);
    expect(() => verifyBatch(kafkajsBatch, 0)).not.toThrow();
  });

  it('decodes the kafkajs batch, repeated header keys included', () => {
    const records = decodeBatches(kafkajsBatch);
    expect(records.map((r) => r.offset)).toEqual([0, 1, 2]);
    expect(
      records.map((r) => ({
        key: r.key?.toString(),
        value: r.value?.toString(),
        headers: r.headers.map((h) => [h.key, h.value?.toString()]),
      })),
    ).toEqual(PRODUCE_V3_RECORDS.map((r) => ({ ...r, headers: r.headers.map((h) => [...h]) })));
    expect(records.every((r) => r.timestamp === PRODUCE_V3_TIMESTAMP)).toBe(true);
  });

  it('decodes the kafkajs gzip LogAppendTime batch with the append time as the timestamp', () => {
    const batch = Buffer.from(GZIP_BATCH_HEX, 'hex');
    verifyBatch(batch, 0);
    const header = readBatchHeader(batch, 0);
    expect(header.attributes).toBe(9); // gzip | LogAppendTime
    expect(header.baseTimestamp).toBe(1597425188775);
    expect(header.maxTimestamp).toBe(1597425188809);
    const [record, ...rest] = decodeBatches(batch);
    expect(rest).toEqual([]);
    expect(record.offset).toBe(0);
    expect(record.timestamp).toBe(1597425188809);
    expect(record.key?.toString()).toBe('key-0');
    expect(record.value?.toString()).toMatch(/^value-0-/);
  });

  it('makes a 10,997-byte batch of 100 records with 100-byte values and null keys', () => {
    const records = Array.from({ length: 100 }, () => ({ key: null, value: Buffer.alloc(100, 7) }));
    expect(encodeRecordBatch(records, { now: 1_700_000_000_000 }).length).toBe(10_997);
  });
});

const headerArb = fc.record({
  key: fc.string({ unit: 'grapheme', maxLength: 12 }),
  value: fc.option(fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a))),
});
const recordArb = fc.record(
  {
    key: fc.option(fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a))),
    value: fc.option(
      fc
        .oneof(
          { arbitrary: fc.uint8Array({ maxLength: 64 }), weight: 20 },
          { arbitrary: fc.uint8Array({ minLength: 16_000, maxLength: 70_000 }), weight: 1 },
        )
        .map((a) => Buffer.from(a)),
    ),
    headers: fc.array(headerArb, { maxLength: 4 }),
    timestamp: fc.integer({ min: 0, max: 4_000_000_000_000 }),
  },
  { requiredKeys: ['value'] },
);

describe('log › codec › record batch › round trips', () => {
  it('decodes header keys exactly when many keys share lengths, ends and slots, long and non-ASCII ones included', () => {
    const pool = [
      'sluice.csv.file',
      'sluice.csv.line',
      'sluice.csv.last.modified',
      'sluice.csv.fil\u00e9',
      'a',
      '',
      'x'.repeat(65),
      `${'x'.repeat(64)}y`,
      '\u{1F600}key',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom(...pool), { maxLength: 5 }), { minLength: 1, maxLength: 40 }),
        (keys) => {
          const records = keys.map((ks, i) => ({
            value: Buffer.from(String(i)),
            headers: ks.map((key) => ({ key, value: Buffer.from(key.slice(0, 3)) })),
            timestamp: 1,
          }));
          const decoded = decodeBatches(encodeRecordBatch(records, { baseOffset: 0 }));
          expect(decoded.map((r) => r.headers.map((h) => h.key))).toEqual(keys);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decodes headers exactly when records repeat, nearly repeat or reorder the headers of the record before', () => {
    // Few keys and values, so that most headers equal the one at the same place in the record before (which the
    // decoder then shares), and the rest differ from it by one byte, by length, by null, or only in the key.
    const keys = ['sluice.csv.file', 'sluice.csv.line', 'k', ''];
    const values = [
      null,
      '',
      'orders-2026.csv',
      'orders-2027.csv',
      'orders-2026.cs',
      'orders-2026.csx',
      '1767225600000',
      'x'.repeat(64),
      `${'x'.repeat(64)}y`,
    ];
    const headersArb = fc.array(
      fc.record({ key: fc.constantFrom(...keys), value: fc.constantFrom(...values) }),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(fc.array(headersArb, { minLength: 1, maxLength: 40 }), fc.nat(40), (lists, split) => {
        const records = lists.map((hs, i) => ({
          value: Buffer.from(String(i)),
          headers: hs.map((h) => ({ key: h.key, value: h.value === null ? null : Buffer.from(h.value) })),
          timestamp: 1,
        }));
        const at = Math.min(split, records.length);
        const batches = Buffer.concat([
          ...(at > 0 ? [encodeRecordBatch(records.slice(0, at), { baseOffset: 0 })] : []),
          ...(at < records.length ? [encodeRecordBatch(records.slice(at), { baseOffset: at })] : []),
        ]);
        const decoded = decodeBatches(batches);
        expect(decoded.map((r) => r.headers)).toEqual(records.map((r) => r.headers));
        expect(decoded.map((r) => r.headers.map((h) => h.value?.toString() ?? null))).toEqual(
          lists.map((hs) => hs.map((h) => h.value)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('decodes what it encodes, for any records', () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (records, baseOffset) => {
          const now = 1_700_000_000_000;
          const batch = encodeRecordBatch(records, { baseOffset, now });
          verifyBatch(batch, 0);
          const header = readBatchHeader(batch, 0);
          expect(header.recordCount).toBe(records.length);
          expect(header.lastOffsetDelta).toBe(records.length - 1);
          expect(header.maxTimestamp).toBe(Math.max(...records.map((r) => r.timestamp ?? now)));
          const decoded = decodeBatches(batch);
          expect(decoded).toEqual(
            records.map(
              (r, i): LogRecord => ({
                offset: baseOffset + i,
                timestamp: r.timestamp ?? now,
                key: r.key ?? null,
                value: r.value,
                headers: r.headers ?? [],
              }),
            ),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('encodes the same bytes into the shared buffer as into a fresh one', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 30 }), (records) => {
        const fresh = encodeRecordBatch(records, { baseOffset: 7, now: 1 });
        const shared = encodeRecordBatch(records, { baseOffset: 7, now: 1, reuseBuffer: true });
        expect(shared.equals(fresh)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('keeps empty keys and values apart from null ones', () => {
    const batch = encodeRecordBatch([
      { key: Buffer.alloc(0), value: Buffer.alloc(0) },
      { key: null, value: null },
    ]);
    const [empty, nulls] = decodeBatches(batch);
    expect(empty.key).toEqual(Buffer.alloc(0));
    expect(empty.value).toEqual(Buffer.alloc(0));
    expect(nulls.key).toBeNull();
    expect(nulls.value).toBeNull();
  });

  it('writes int64 -1 fields and the default producer fields as Kafka does', () => {
    const batch = encodeRecordBatch([{ value: Buffer.from('v'), timestamp: 5 }]);
    expect(batch.subarray(43, 61).toString('hex')).toBe('ffffffffffffffffffffffffffff00000001');
    expect(readBatchHeader(batch, 0)).toMatchObject({
      partitionLeaderEpoch: -1,
      producerId: -1,
      producerEpoch: -1,
      baseSequence: -1,
    });
  });

  it('sets the attribute bits and the LogAppendTime', () => {
    const batch = encodeRecordBatch([{ value: Buffer.from('v'), timestamp: 5 }], {
      now: 99,
      transactional: true,
      control: true,
      logAppendTime: true,
      producerId: 2 ** 40,
      producerEpoch: 3,
      baseSequence: 7,
    });
    const header = readBatchHeader(batch, 0);
    expect(header.attributes).toBe(0x08 | 0x10 | 0x20);
    expect(header).toMatchObject({
      baseTimestamp: 5,
      maxTimestamp: 99,
      producerId: 2 ** 40,
      producerEpoch: 3,
    });
    const out: LogRecord[] = [];
    decodeBatchRecords(batch, 0, out);
    expect(out[0].timestamp).toBe(99);
  });

  it('handles timestamps before the first record (negative deltas)', () => {
    const batch = encodeRecordBatch([
      { value: null, timestamp: 1_000_000 },
      { value: null, timestamp: 10 },
    ]);
    expect(decodeBatches(batch).map((r) => r.timestamp)).toEqual([1_000_000, 10]);
    expect(readBatchHeader(batch, 0).maxTimestamp).toBe(1_000_000);
  });

  it('refuses to encode an empty batch', () => {
    expect(() => encodeRecordBatch([])).toThrow(/without records/);
  });

  it('keys and values are views of the input, not copies', () => {
    const batch = encodeRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('v') }]);
    const [record] = decodeBatches(batch);
    expect(record.value?.buffer).toBe(batch.buffer);
  });
});

describe('log › codec › record batch › offsets and framing', () => {
  const first = encodeRecordBatch([{ value: Buffer.from('a') }, { value: Buffer.from('b') }], { now: 1 });
  const control = encodeRecordBatch([{ value: Buffer.from('marker') }], { now: 1, control: true });
  const third = encodeRecordBatch([{ value: Buffer.from('c') }, { value: Buffer.from('d') }], { now: 1 });
  stampBaseOffset(control, 0, 2);
  stampBaseOffset(third, 0, 3);
  const all = Buffer.concat([first, control, third]);

  it('stamps the base offset without invalidating the CRC', () => {
    const batch = encodeRecordBatch([{ value: Buffer.from('x') }]);
    const crc = readBatchHeader(batch, 0).crc;
    stampBaseOffset(batch, 0, 123_456_789_012);
    expect(readBatchHeader(batch, 0)).toMatchObject({ baseOffset: 123_456_789_012, crc });
    expect(() => verifyBatch(batch, 0)).not.toThrow();
    expect(decodeBatches(batch)[0].offset).toBe(123_456_789_012);
  });

  it('skips control batches unless asked, and records before fromOffset', () => {
    expect(decodeBatches(all).map((r) => r.value?.toString())).toEqual(['a', 'b', 'c', 'd']);
    expect(decodeBatches(all, { includeControl: true }).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4]);
    expect(decodeBatches(all, { fromOffset: 1 }).map((r) => r.offset)).toEqual([1, 3, 4]);
    const out: LogRecord[] = [];
    decodeBatchRecords(all, first.length + control.length, out, 4);
    expect(out.map((r) => r.value?.toString())).toEqual(['d']);
  });

  it('ignores a trailing partial batch, as a fetch response may end with one', () => {
    for (const cut of [1, 11, 12, 60, third.length - 1]) {
      const partial = all.subarray(0, all.length - cut);
      expect(decodeBatches(partial, { verify: true }).map((r) => r.offset)).toEqual([0, 1]);
    }
  });

  it('sizes batches, and says -1 when not even the length is there', () => {
    expect(batchSizeAt(all, 0)).toBe(first.length);
    expect(batchSizeAt(all, first.length)).toBe(control.length);
    expect(batchSizeAt(all, all.length - 11)).toBe(-1);
    expect(RECORD_BATCH_OVERHEAD).toBe(61);
  });
});

describe('log › codec › record batch › corrupt input', () => {
  const batch = () => encodeRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('value') }], { now: 1 });

  function expectCorrupt(buf: Buffer, position: number, pattern: RegExp, file?: string): void {
    const error = caught(() => verifyBatch(buf, position, file));
    expect(error).toBeInstanceOf(CorruptRecordError);
    expect((error as CorruptRecordError).position).toBe(position);
    expect((error as CorruptRecordError).code).toBe('CORRUPT_MESSAGE');
    expect((error as Error).message).toMatch(pattern);
    if (file) expect((error as CorruptRecordError).file).toBe(file);
  }

  it('detects a flipped bit anywhere the CRC covers', () => {
    const good = batch();
    for (let i = 21; i < good.length; i++) {
      const bad = Buffer.from(good);
      bad[i] ^= 0x10;
      expectCorrupt(bad, 0, /CRC-32C mismatch/);
    }
  });

  it('names the file and position of the damaged batch', () => {
    const bad = Buffer.concat([batch(), batch()]);
    bad[bad.length - 1] ^= 1;
    const position = batch().length;
    expectCorrupt(
      bad,
      position,
      new RegExp(`in 00000000000000000000\\.log at position ${position}:`),
      '00000000000000000000.log',
    );
  });

  it('rejects a magic other than 2, a length under 49 and a length past the end', () => {
    const oldMagic = batch();
    oldMagic[16] = 1;
    expectCorrupt(oldMagic, 0, /magic is 1/);
    const zeroTail = Buffer.concat([batch(), Buffer.alloc(64)]);
    expectCorrupt(zeroTail, batch().length, /batch length 0 is under the minimum of 49/);
    const short = batch();
    short.writeInt32BE(48, 8);
    expectCorrupt(short, 0, /under the minimum/);
    const long = batch();
    long.writeInt32BE(long.length, 8);
    expectCorrupt(long, 0, /runs 12 bytes past the end/);
    expectCorrupt(batch().subarray(0, 5), 0, /only 5 bytes remain/);
  });

  it('decoding a batch whose records lie about their lengths throws CorruptRecordError', () => {
    const bad = batch();
    bad[61] = 0x7e; // record length 63, beyond the batch
    expect(caught(() => decodeBatches(bad))).toBeInstanceOf(CorruptRecordError);
    const badKey = batch();
    badKey[61 + 1 + 1 + 1 + 1] = 0x7e; // key length 63, beyond the record
    expect(caught(() => decodeBatches(badKey))).toBeInstanceOf(CorruptRecordError);
    expect(caught(() => decodeBatches(Buffer.concat([batch(), Buffer.alloc(64)])))).toBeInstanceOf(
      CorruptRecordError,
    );
  });

  it('refuses a batch readBatchHeader cannot hold', () => {
    expect(caught(() => readBatchHeader(batch(), 40))).toBeInstanceOf(CorruptRecordError);
  });

  it('decompresses gzip records, names the codec whose records do not decompress, and refuses unknown codecs', () => {
    const plain = encodeRecordBatch([{ value: Buffer.from('zipped') }], { now: 1 });
    const records = gzipSync(plain.subarray(61));
    const gz = Buffer.concat([plain.subarray(0, 61), records]);
    gz.writeInt32BE(gz.length - 12, 8);
    gz.writeInt16BE(1, 21);
    expect(decodeBatches(gz)[0].value?.toString()).toBe('zipped');
    for (const [codec, name] of [
      [2, 'snappy'],
      [3, 'lz4'],
      [4, 'zstd'],
    ] as const) {
      gz.writeInt16BE(codec, 21); // gzip bytes under another codec's id
      const error = caught(() => decodeBatches(gz));
      expect(error).toBeInstanceOf(CorruptRecordError);
      expect((error as Error).message).toContain(
        `${name} records of the batch at position 0 do not decompress`,
      );
    }
    for (const codec of [5, 6, 7]) {
      gz.writeInt16BE(codec, 21);
      const error = caught(() => decodeBatches(gz));
      expect(error).toBeInstanceOf(SluiceError);
      expect((error as SluiceError).code).toBe('UNSUPPORTED_COMPRESSION_TYPE');
      expect((error as Error).message).toContain(`codec ${codec}`);
    }
  });
});
