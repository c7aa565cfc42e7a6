import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptRecordError, OffsetOutOfRangeError, RecordTooLargeError } from '../../src/errors.js';
import { encodeRecordBatch, type Log } from '../../src/log/index.js';
import { clock, openLog, records, tempDir } from './helpers.js';

const segmentsOf = (dir: string, topic: string) =>
  fs
    .readdirSync(path.join(dir, `${topic}-0`))
    .filter((f) => f.endsWith('.log'))
    .sort();

describe('log › partition › append and read', () => {
  let dir: string;
  let log: Log;
  const time = clock();
  beforeEach(async () => {
    dir = tempDir();
    log = await openLog(dir, { now: time.now });
    await log.createTopic('t', { config: { 'index.interval.bytes': 64 } });
  });
  afterEach(async () => {
    await log.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('assigns contiguous offsets and reads records back intact', async () => {
    const headers = [{ key: 'h', value: Buffer.from('hv') }];
    expect(await log.append('t', 0, [{ key: Buffer.from('k'), value: Buffer.from('a'), headers }])).toEqual({
      baseOffset: 0,
      lastOffset: 0,
      logAppendTime: -1,
    });
    expect(await log.append('t', 0, [{ value: null, timestamp: 5 }, { value: Buffer.from('c') }])).toEqual({
      baseOffset: 1,
      lastOffset: 2,
      logAppendTime: -1,
    });
    const read = await log.readRecords('t', 0, 0);
    expect(read.records).toEqual([
      { offset: 0, timestamp: time.now(), key: Buffer.from('k'), value: Buffer.from('a'), headers },
      { offset: 1, timestamp: 5, key: null, value: null, headers: [] },
      { offset: 2, timestamp: time.now(), key: null, value: Buffer.from('c'), headers: [] },
    ]);
    expect(read.nextOffset).toBe(3);
    expect(read.highWatermark).toBe(3);
    expect(log.offsets('t', 0)).toEqual({ logStartOffset: 0, highWatermark: 3, lastStableOffset: 3 });
  });

  it('reads from the middle of a batch: read() gives the whole batch, readRecords drops the earlier records', async () => {
    await log.append('t', 0, records(10));
    const raw = await log.read('t', 0, 4);
    expect(Number(raw.records.readBigInt64BE(0))).toBe(0);
    const { records: got, nextOffset } = await log.readRecords('t', 0, 4);
    expect(got.map((r) => r.offset)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(nextOffset).toBe(10);
  });

  it('honours maxBytes in whole batches, at least one', async () => {
    for (let i = 0; i < 20; i++) await log.append('t', 0, records(5, i * 5));
    const one = await log.readRecords('t', 0, 0, { maxBytes: 1 });
    expect(one.records).toHaveLength(5);
    const some = await log.read('t', 0, 0, { maxBytes: 400 });
    expect(some.records.length).toBeLessThanOrEqual(400);
    const all = await log.readRecords('t', 0, 0, { maxBytes: 1 << 20 });
    expect(all.records).toHaveLength(100);
  });

  it('rejects offsets outside [log start, high watermark] and reads empty at the high watermark', async () => {
    await log.append('t', 0, records(3));
    await expect(log.read('t', 0, 4)).rejects.toThrowError(OffsetOutOfRangeError);
    await expect(log.read('t', 0, -1)).rejects.toThrowError(
      'offset -1 is out of range for t-0: valid offsets are 0 to 3',
    );
    const atEnd = await log.read('t', 0, 3);
    expect(atEnd.records.length).toBe(0);
    expect(atEnd.highWatermark).toBe(3);
  });

  it('refuses a batch larger than max.message.bytes', async () => {
    await log.alterTopicConfig('t', { 'max.message.bytes': 200 });
    await expect(log.append('t', 0, [{ value: Buffer.alloc(300) }])).rejects.toThrowError(
      RecordTooLargeError,
    );
    expect(log.offsets('t', 0).highWatermark).toBe(0);
  });

  it('stores client-built batches as they are, with offsets stamped', async () => {
    await log.append('t', 0, records(2));
    const a = encodeRecordBatch(records(3, 100), {
      baseOffset: 0,
      producerId: 7,
      producerEpoch: 1,
      baseSequence: 0,
    });
    const b = encodeRecordBatch(records(2, 200), { baseOffset: 0 });
    const both = Buffer.concat([a, b]);
    expect(await log.appendBatches('t', 0, both, { acks: 'all' })).toEqual({
      baseOffset: 2,
      lastOffset: 6,
      logAppendTime: -1,
    });
    const raw = await log.read('t', 0, 2);
    expect(raw.records.subarray(8)).toEqual(both.subarray(8, raw.records.length)); // same bytes but the offset
    expect(raw.records.readBigInt64BE(43)).toBe(7n); // producer id kept
    const { records: got } = await log.readRecords('t', 0, 2);
    expect(got.map((r) => [r.offset, r.value!.toString()])).toEqual([
      [2, 'v100'],
      [3, 'v101'],
      [4, 'v102'],
      [5, 'v200'],
      [6, 'v201'],
    ]);
  });

  it('refuses damaged client batches without storing any of them', async () => {
    const good = encodeRecordBatch(records(2), {});
    const bad = Buffer.from(encodeRecordBatch(records(2), {}));
    bad[bad.length - 1]! ^= 1;
    await expect(log.appendBatches('t', 0, Buffer.concat([good, bad]))).rejects.toThrowError(
      /CRC-32C mismatch/,
    );
    await expect(log.appendBatches('t', 0, good.subarray(0, 40))).rejects.toThrowError(CorruptRecordError);
    expect(log.offsets('t', 0).highWatermark).toBe(0);
  });

  it('stamps LogAppendTime when the topic asks for it', async () => {
    await log.alterTopicConfig('t', { 'message.timestamp.type': 'LogAppendTime' });
    const result = await log.append('t', 0, [{ value: Buffer.from('x'), timestamp: 1 }]);
    expect(result.logAppendTime).toBe(time.now());
    expect((await log.readRecords('t', 0, 0)).records[0]!.timestamp).toBe(time.now());
  });

  it('resolves acks=all appends, concurrent ones included, once durable', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => log.append('t', 0, records(10, i * 10), { acks: 'all' })),
    );
    expect(results.map((r) => r.baseOffset)).toEqual(Array.from({ length: 20 }, (_, i) => i * 10));
    await log.flush();
    expect(fs.readFileSync(path.join(dir, 'recovery-point-offset-checkpoint'), 'utf8')).toBe(
      '0\n1\nt 0 200\n',
    );
  });
});

describe('log › partition › long poll', () => {
  let dir: string;
  let log: Log;
  beforeEach(async () => {
    dir = tempDir();
    log = await openLog(dir);
    await log.createTopic('t');
  });
  afterEach(async () => {
    await log.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('wakes a waiting reader when records arrive', async () => {
    const started = Date.now();
    const pending = log.readRecords('t', 0, 0, { maxWaitMs: 10_000 });
    setTimeout(() => void log.append('t', 0, records(2)), 30);
    const { records: got } = await pending;
    expect(got.map((r) => r.offset)).toEqual([0, 1]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('returns empty after maxWaitMs when nothing arrives', async () => {
    const started = Date.now();
    const result = await log.read('t', 0, 0, { maxWaitMs: 60 });
    expect(result.records.length).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('returns at once when aborted', async () => {
    const abort = new AbortController();
    const pending = log.read('t', 0, 0, { maxWaitMs: 60_000, signal: abort.signal });
    setTimeout(() => abort.abort(), 20);
    expect((await pending).records.length).toBe(0);
  });

  it('waits for minBytes', async () => {
    await log.append('t', 0, records(1));
    const pending = log.read('t', 0, 0, { maxWaitMs: 10_000, minBytes: 150 });
    let done = false;
    void pending.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(false);
    await log.append('t', 0, records(5, 1));
    expect((await pending).records.length).toBeGreaterThanOrEqual(150);
  });

  it('wakes waiting readers when the log closes', async () => {
    const pending = log.read('t', 0, 0, { maxWaitMs: 60_000 });
    await log.close();
    expect((await pending).records.length).toBe(0);
  });
});

describe('log › partition › segments, retention and deleteRecords', () => {
  let dir: string;
  let log: Log;
  let time: ReturnType<typeof clock>;
  beforeEach(async () => {
    dir = tempDir();
    time = clock();
    log = await openLog(dir, { now: time.now });
  });
  afterEach(async () => {
    await log.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rolls a new segment when segment.bytes would be exceeded', async () => {
    await log.createTopic('t', { config: { 'segment.bytes': 350 } });
    for (let i = 0; i < 6; i++) await log.append('t', 0, records(10, i * 10)); // 151 to 161 bytes a batch
    expect(segmentsOf(dir, 't')).toEqual([
      '00000000000000000000.log',
      '00000000000000000020.log',
      '00000000000000000040.log',
    ]);
    const { records: got } = await log.readRecords('t', 0, 15, { maxBytes: 1 << 20 });
    expect(got[0]!.offset).toBe(15);
    expect((await log.readRecords('t', 0, 20)).records[0]!.offset).toBe(20);
  });

  it('rolls a new segment once the active one is older than segment.ms', async () => {
    await log.createTopic('t', { config: { 'segment.ms': 1000 } });
    await log.append('t', 0, records(1));
    time.advance(500);
    await log.append('t', 0, records(1));
    time.advance(600);
    await log.append('t', 0, records(1));
    expect(segmentsOf(dir, 't')).toEqual(['00000000000000000000.log', '00000000000000000002.log']);
  });

  it('deletes whole segments older than retention.ms, never the active one', async () => {
    await log.createTopic('t', { config: { 'segment.bytes': 200, 'retention.ms': 10_000 } });
    for (let i = 0; i < 3; i++) {
      await log.append('t', 0, records(10, i * 10));
      time.advance(6000);
    }
    // Segments' newest records are now 18 s, 12 s and 6 s old.
    expect(await log.runRetention()).toBe(2);
    expect(segmentsOf(dir, 't')).toEqual(['00000000000000000020.log']);
    expect(log.offsets('t', 0)).toEqual({ logStartOffset: 20, highWatermark: 30, lastStableOffset: 30 });
    await expect(log.read('t', 0, 5)).rejects.toThrowError(OffsetOutOfRangeError);
    time.advance(60_000);
    expect(await log.runRetention()).toBe(0); // the active segment stays
    expect(fs.readFileSync(path.join(dir, 'log-start-offset-checkpoint'), 'utf8')).toBe('0\n1\nt 0 20\n');
  });

  it('deletes the oldest segments while the partition exceeds retention.bytes', async () => {
    await log.createTopic('t', { config: { 'segment.bytes': 200 } });
    for (let i = 0; i < 5; i++) await log.append('t', 0, records(10, i * 10));
    const size = fs.statSync(path.join(dir, 't-0', '00000000000000000000.log')).size;
    await log.alterTopicConfig('t', { 'retention.bytes': size * 2 });
    expect(await log.runRetention()).toBe(3);
    expect(log.offsets('t', 0).logStartOffset).toBe(30);
  });

  it('keeps everything under cleanup.policy=compact', async () => {
    await log.createTopic('t', {
      config: { 'segment.bytes': 200, 'retention.ms': 1, 'cleanup.policy': 'compact' },
    });
    for (let i = 0; i < 3; i++) await log.append('t', 0, records(10, i * 10, 3));
    time.advance(10_000);
    expect(await log.runRetention()).toBe(0);
  });

  it('deleteRecords moves the log start and drops segments wholly below it', async () => {
    await log.createTopic('t', { config: { 'segment.bytes': 200 } });
    for (let i = 0; i < 3; i++) await log.append('t', 0, records(10, i * 10));
    expect(await log.deleteRecords('t', 0, 15)).toBe(15);
    expect(segmentsOf(dir, 't')).toEqual(['00000000000000000010.log', '00000000000000000020.log']);
    await expect(log.read('t', 0, 14)).rejects.toThrowError(OffsetOutOfRangeError);
    const { records: got } = await log.readRecords('t', 0, 15);
    expect(got[0]!.offset).toBe(15);
    expect(await log.deleteRecords('t', 0, 5)).toBe(15); // never moves back
    await expect(log.deleteRecords('t', 0, 31)).rejects.toThrowError(OffsetOutOfRangeError);
    expect(await log.deleteRecords('t', 0, -1)).toBe(30);
    expect(segmentsOf(dir, 't')).toEqual(['00000000000000000030.log']);
    await log.close();
    log = await openLog(dir, { now: time.now });
    expect(log.offsets('t', 0)).toEqual({ logStartOffset: 30, highWatermark: 30, lastStableOffset: 30 });
    expect((await log.append('t', 0, records(1))).baseOffset).toBe(30);
  });

  it('finds offsets by timestamp across segments', async () => {
    await log.createTopic('t', { config: { 'segment.bytes': 300, 'index.interval.bytes': 50 } });
    for (let i = 0; i < 10; i++) {
      await log.append(
        't',
        0,
        records(10, i * 10).map((r, j) => ({ ...r, timestamp: 1000 + (i * 10 + j) * 10 })),
      );
    }
    expect(segmentsOf(dir, 't').length).toBeGreaterThan(2);
    expect(await log.offsetForTime('t', 0, 0)).toBe(0);
    expect(await log.offsetForTime('t', 0, 1000 + 555)).toBe(56);
    expect(await log.offsetForTime('t', 0, 1000 + 990)).toBe(99);
    expect(await log.offsetForTime('t', 0, 1000 + 991)).toBeNull();
    await log.deleteRecords('t', 0, 42);
    expect(await log.offsetForTime('t', 0, 0)).toBe(42);
  });
});
