import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Compression,
  decodeBatches,
  encodeRecordBatch,
  finishRecordBatch,
  RecordsBuilder,
} from '../../../src/log/codec/record-batch.js';
import type { AppendRecord } from '../../../src/log/types.js';

const headerArb = fc.record({
  key: fc.string({ unit: 'grapheme', maxLength: 12 }),
  value: fc.option(fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a))),
});
const recordArb = fc.record({
  key: fc.option(fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a))),
  value: fc
    .option(
      fc.oneof(
        { arbitrary: fc.uint8Array({ maxLength: 64 }), weight: 20 },
        { arbitrary: fc.uint8Array({ minLength: 2_000, maxLength: 9_000 }), weight: 1 },
      ),
    )
    .map((a) => (a === null ? null : Buffer.from(a))),
  headers: fc.array(headerArb, { maxLength: 4 }),
  timestamp: fc.integer({ min: 0, max: 4_000_000_000_000 }),
});

function built(records: AppendRecord[], capacity: number): RecordsBuilder {
  const builder = new RecordsBuilder(capacity);
  for (const r of records) builder.add(r.key, r.value, r.headers, r.timestamp!);
  return builder;
}

describe('log › codec › records builder', () => {
  it('builds, record by record, the same bytes encodeRecordBatch writes for the whole list', () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 4096 }),
        fc.constantFrom(Compression.None, Compression.Gzip),
        fc.boolean(),
        (records, capacity, compression, transactional) => {
          const options = {
            baseOffset: 7,
            now: 1_700_000_000_000,
            producerId: transactional ? 42 : -1,
            producerEpoch: transactional ? 3 : -1,
            transactional,
            compression,
          };
          const builder = built(records, capacity);
          expect(builder.count).toBe(records.length);
          const batch = finishRecordBatch(builder, options);
          expect(batch.equals(encodeRecordBatch(records, options))).toBe(true);
          const decoded = decodeBatches(batch, { verify: true });
          expect(decoded.map((r) => r.offset)).toEqual(records.map((_, i) => 7 + i));
          expect(decoded.map((r) => r.value)).toEqual(records.map((r) => r.value));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('grows past the capacity it started with, keeping what was written', () => {
    const records = Array.from({ length: 500 }, (_, i) => ({
      key: Buffer.from(`key-${i}`),
      value: Buffer.alloc(100, i),
      timestamp: 1_000 + i,
    }));
    const builder = built(records, 0);
    expect(builder.bytes).toBeGreaterThan(500 * 100);
    const decoded = decodeBatches(finishRecordBatch(builder), { verify: true });
    expect(decoded).toHaveLength(500);
    expect(decoded[499]!.key!.toString()).toBe('key-499');
    expect(decoded[499]!.timestamp).toBe(1_499);
  });

  it('refuses to finish a batch without records', () => {
    expect(() => finishRecordBatch(new RecordsBuilder())).toThrow(/without records/);
  });
});
