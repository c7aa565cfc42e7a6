import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { Compression, encodeRecordBatch, readBatchHeader } from '../../src/log/index.js';
import { openLog, tempDir } from './helpers.js';

describe('log › compression.type of a topic', () => {
  it('keeps the codec a client sent with "producer", and stores every batch in the topic codec otherwise', async () => {
    const dir = tempDir();
    const log = await openLog(dir);
    await log.createTopic('kept', { partitions: 1 });
    await log.createTopic('lz4', { partitions: 1, config: { 'compression.type': 'lz4' } });
    await log.createTopic('plain', { partitions: 1, config: { 'compression.type': 'uncompressed' } });
    const records = [
      { key: Buffer.from('a'), value: Buffer.alloc(300, 'x'), timestamp: 1_000 },
      { key: null, value: null, timestamp: 1_005, headers: [{ key: 'h', value: Buffer.from('v') }] },
    ];
    const sent = () =>
      Buffer.concat([
        encodeRecordBatch(records, {
          compression: Compression.Gzip,
          producerId: 9,
          producerEpoch: 2,
          baseSequence: 0,
        }),
        encodeRecordBatch(records, {
          compression: Compression.Lz4,
          producerId: 9,
          producerEpoch: 2,
          baseSequence: 2,
        }),
      ]);
    for (const [topic, codecs] of [
      ['kept', [Compression.Gzip, Compression.Lz4]],
      ['lz4', [Compression.Lz4, Compression.Lz4]],
      ['plain', [Compression.None, Compression.None]],
    ] as const) {
      await log.appendBatches(topic, 0, sent());
      const read = await log.read(topic, 0, 0);
      const first = readBatchHeader(read.records, 0);
      const second = readBatchHeader(read.records, first.batchLength + 12);
      expect([first.attributes & 7, second.attributes & 7]).toEqual(codecs);
      expect([first.baseOffset, second.baseOffset]).toEqual([0, 2]);
      expect([second.producerId, second.producerEpoch, second.baseSequence]).toEqual([9, 2, 2]);
      expect([second.baseTimestamp, second.maxTimestamp]).toEqual([1_000, 1_005]);
      const back = await log.readRecords(topic, 0, 0);
      expect(back.records.map((r) => [r.offset, r.timestamp, r.key, r.value, r.headers])).toEqual(
        [0, 1].flatMap((batch) =>
          records.map((r, i) => [batch * 2 + i, r.timestamp, r.key, r.value, r.headers ?? []]),
        ),
      );
    }
    await log.close();
    await rm(dir, { recursive: true, force: true });
  });
});
