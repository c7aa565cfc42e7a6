import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  CorruptRecordError,
  InvalidTopicError,
  OffsetOutOfRangeError,
  RecordTooLargeError,
  UnknownPartitionError,
} from '../../src/errors.js';
import { encodeRecordBatch, type Log } from '../../src/log/index.js';
import { openLog, records, tempDir } from './helpers.js';

/** Runs `fn` and returns what it threw (or rejected with); fails the test if it did not. */
async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error, got none');
}

describe('log › bad input', () => {
  let root: string;
  let dir: string;
  let log: Log;
  beforeEach(async () => {
    root = tempDir('sluice-bad-');
    dir = path.join(root, 'data');
    log = await openLog(dir, { autoCreateTopics: true });
  });
  afterEach(async () => {
    await log.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  describe('topic names', () => {
    it.each([
      ['', 'it is empty'],
      ['.', '"." or ".."'],
      ['..', '"." or ".."'],
      ['a/b', '"/"'],
      ['../escape', '"/"'],
      ['a\\b', JSON.stringify('\\')],
      ['with space', '" "'],
      ['naïve', '"ï"'],
      ['nul\0byte', 'not allowed'],
      ['x'.repeat(250), '249'],
    ])('refuses %j everywhere with InvalidTopicError and writes nothing', async (name, reason) => {
      for (const call of [
        () => log.createTopic(name),
        () => log.append(name, 0, records(1)), // auto-creation must not bypass the check
      ]) {
        const err = await thrown(call);
        expect(err).toBeInstanceOf(InvalidTopicError);
        expect(err).toMatchObject({ code: 'INVALID_TOPIC_EXCEPTION', topic: name });
        expect((err as Error).message).toContain(`invalid topic name ${JSON.stringify(name)}`);
        expect((err as Error).message).toContain(reason);
      }
      expect(fs.readdirSync(root)).toEqual(['data']);
      expect(log.listTopics()).toEqual([]);
    });

    it('accepts long and odd names Kafka accepts', async () => {
      for (const name of ['x'.repeat(249), '...', '_-.', 'A.b-C_9']) {
        await log.createTopic(name);
        await log.append(name, 0, records(1));
        expect(log.offsets(name, 0).highWatermark).toBe(1);
      }
    });
  });

  describe('config values', () => {
    it.each([
      ['retention.ms', 'soon'],
      ['retention.ms', -2],
      ['segment.bytes', 0],
      ['segment.bytes', 1.5],
      ['cleanup.policy', 'shred'],
      ['min.cleanable.dirty.ratio', 2],
      ['message.timestamp.type', 'Now'],
      ['flush.messages', 0],
      ['max.message.bytes', null],
    ])('refuses %s=%j on create and on alter, naming the key, changing nothing', async (key, value) => {
      const created = await thrown(() => log.createTopic('t', { config: { [key]: value } as never }));
      expect(created).toBeInstanceOf(ConfigError);
      expect(created).toMatchObject({ code: 'INVALID_CONFIG' });
      expect((created as Error).message).toContain(key);
      expect((created as Error).message).toContain('topic "t"');
      expect(log.hasTopic('t')).toBe(false);

      await log.createTopic('t');
      const before = log.describeTopic('t').config;
      const altered = await thrown(() => log.alterTopicConfig('t', { [key]: value } as never));
      expect(altered).toBeInstanceOf(ConfigError);
      expect(log.describeTopic('t').config).toEqual(before);
    });

    it('suggests the nearest key for a typo, in the message and as a field', async () => {
      const err = await thrown(() => log.createTopic('t', { config: { 'retention.msx': 1 } as never }));
      expect(err).toBeInstanceOf(ConfigError);
      expect(err).toMatchObject({ suggestion: 'retention.ms' });
      expect((err as Error).message).toContain('did you mean "retention.ms"?');
      await log.createTopic('t');
      const unset = await thrown(() => log.alterTopicConfig('t', {}, ['cleanup.polcy' as never]));
      expect((unset as Error).message).toContain('did you mean "cleanup.policy"?');
    });

    it('refuses bad log-wide defaults when opening', async () => {
      const err = await thrown(() => openLog(tempDir(), { defaults: { 'segment.bytes': -1 } }));
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain('segment.bytes');
    });
  });

  describe('offsets', () => {
    beforeEach(async () => {
      await log.createTopic('t', { partitions: 2, config: { 'segment.bytes': 200 } });
      for (let i = 0; i < 10; i++) await log.append('t', 0, records(2, i * 2));
    });

    it.each([-1, 21, 1000])(
      'refuses to read at %i, past either end, with the valid range',
      async (offset) => {
        for (const call of [() => log.read('t', 0, offset), () => log.readRecords('t', 0, offset)]) {
          const err = await thrown(call);
          expect(err).toBeInstanceOf(OffsetOutOfRangeError);
          expect(err).toMatchObject({ code: 'OFFSET_OUT_OF_RANGE', topic: 't', partition: 0 });
          expect(Number((err as OffsetOutOfRangeError).offset)).toBe(offset);
          expect((err as Error).message).toContain('valid offsets are 0 to 20');
        }
      },
    );

    it('reads at the log end as nothing yet, not as an error', async () => {
      const r = await log.readRecords('t', 0, 20);
      expect(r.records).toEqual([]);
      expect(r.highWatermark).toBe(20);
    });

    it('refuses offsets below the log start once records were deleted', async () => {
      const start = await log.deleteRecords('t', 0, 9);
      expect(start).toBe(9);
      const err = await thrown(() => log.readRecords('t', 0, 8));
      expect(err).toBeInstanceOf(OffsetOutOfRangeError);
      expect((err as Error).message).toContain('valid offsets are 9 to 20');
      const r = await log.readRecords('t', 0, 9);
      expect(r.records[0].offset).toBe(9);
      expect(r.logStartOffset).toBe(9);
    });

    it('refuses to delete records past the log end', async () => {
      const err = await thrown(() => log.deleteRecords('t', 0, 21));
      expect(err).toBeInstanceOf(OffsetOutOfRangeError);
      expect(log.offsets('t', 0)).toEqual({ logStartOffset: 0, highWatermark: 20, lastStableOffset: 20 });
    });
  });

  describe('partitions and records', () => {
    beforeEach(async () => {
      await log.createTopic('t', { partitions: 3, config: { 'max.message.bytes': 1000 } });
    });

    it.each([3, -1, 1.5, Number.NaN])('refuses partition %d in every call', async (partition) => {
      const calls = [
        () => log.append('t', partition, records(1)),
        () => log.read('t', partition, 0),
        () => log.readRecords('t', partition, 0),
        () => log.offsets('t', partition),
        () => log.offsetForTime('t', partition, 0),
        () => log.deleteRecords('t', partition, 0),
      ];
      for (const call of calls) {
        const err = await thrown(call);
        expect(err).toBeInstanceOf(UnknownPartitionError);
        expect(err).toMatchObject({ code: 'UNKNOWN_TOPIC_OR_PARTITION', topic: 't' });
        expect((err as Error).message).toContain('topic "t" has 3 partitions');
      }
    });

    it('refuses a batch larger than max.message.bytes and appends nothing', async () => {
      const err = await thrown(() => log.append('t', 0, [{ value: Buffer.alloc(2000) }]));
      expect(err).toBeInstanceOf(RecordTooLargeError);
      expect(err).toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
      expect((err as Error).message).toContain('max.message.bytes=1000');
      expect(log.offsets('t', 0).highWatermark).toBe(0);
    });

    it('refuses raw batches with a bad CRC or a torn end and appends nothing', async () => {
      const batch = encodeRecordBatch(records(3), { baseOffset: 0 });
      const flipped = Buffer.from(batch);
      flipped[flipped.length - 1] ^= 0xff;
      for (const bad of [flipped, batch.subarray(0, batch.length - 5)]) {
        const err = await thrown(() => log.appendBatches('t', 0, bad));
        expect(err).toBeInstanceOf(CorruptRecordError);
        expect(err).toMatchObject({ code: 'CORRUPT_MESSAGE' });
      }
      expect(log.offsets('t', 0).highWatermark).toBe(0);
      await log.appendBatches('t', 0, batch);
      expect(log.offsets('t', 0).highWatermark).toBe(3);
    });
  });
});
