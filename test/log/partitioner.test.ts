import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DefaultPartitioner, murmur2, partitionForKey, toPositive } from '../../src/log/partitioner.js';

// kafkajs ships the Java client's murmur2 as its default partitioner's hash: an independent oracle.
const kafkajsMurmur2 = createRequire(import.meta.url)(
  'kafkajs/src/producer/partitioners/default/murmur2.js',
) as (key: Buffer) => number;

// Apache Kafka, clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java, testMurmur2: the Java `int`
// Utils.murmur2 returns for each key.
const KAFKA_VECTORS: [string, number][] = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

describe('log › partitioner', () => {
  it.each(KAFKA_VECTORS)('murmur2(%j) is %i, as Kafka computes it', (key, expected) => {
    expect(murmur2(Buffer.from(key))).toBe(expected);
  });

  it("agrees with kafkajs's Java-compatible murmur2 for any key, every tail length included", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
        const key = Buffer.from(bytes);
        expect(murmur2(key)).toBe(kafkajsMurmur2(key));
      }),
      { numRuns: 500 },
    );
  });

  it('toPositive clears the sign bit like Kafka, unlike Math.abs', () => {
    expect(toPositive(-973932308)).toBe(-973932308 & 0x7fffffff);
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(479470107)).toBe(479470107);
  });

  it('puts a key on toPositive(murmur2(key)) % partitions', () => {
    for (const [key, hash] of KAFKA_VECTORS) {
      for (const partitions of [1, 3, 6, 50]) {
        expect(partitionForKey(Buffer.from(key), partitions)).toBe((hash & 0x7fffffff) % partitions);
      }
    }
    expect(partitionForKey(Buffer.from('21'), 1)).toBe(0);
  });

  it('sends every unkeyed record of a batch to one partition and moves round-robin per batch', () => {
    const partitioner = new DefaultPartitioner();
    const seen: number[] = [];
    for (let batch = 0; batch < 6; batch++) {
      const batchPartitions = new Set([null, undefined, null].map((key) => partitioner.partition(key, 3)));
      expect(batchPartitions.size).toBe(1);
      seen.push(...batchPartitions);
      partitioner.nextBatch();
    }
    expect(seen).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('keeps keyed records on their hash partition whatever the sticky partition', () => {
    const partitioner = new DefaultPartitioner(2);
    expect(partitioner.partition(Buffer.from('foobar'), 7)).toBe((-790332482 & 0x7fffffff) % 7);
    partitioner.nextBatch();
    expect(partitioner.partition(Buffer.from('foobar'), 7)).toBe((-790332482 & 0x7fffffff) % 7);
  });
});
