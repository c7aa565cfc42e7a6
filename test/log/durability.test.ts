import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LogClosedError } from '../../src/errors.js';
import { encodeRecordBatch, type Log } from '../../src/log/index.js';
import { clock, memoryLogger, openLog, records, tempDir } from './helpers.js';

/** Counts fdatasync calls on the log's descriptors. */
function countSyncs() {
  const spy = vi.spyOn(fs, 'fdatasync');
  return { count: () => spy.mock.calls.length, restore: () => spy.mockRestore() };
}

describe('log › durability', () => {
  let dir: string;
  let log: Log;
  let time: ReturnType<typeof clock>;
  beforeEach(async () => {
    dir = tempDir();
    time = clock();
    log = await openLog(dir, { now: time.now });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await log.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('does not fsync an acks=1 append by default', async () => {
    await log.createTopic('t');
    const syncs = countSyncs();
    await log.append('t', 0, records(10), { acks: 1 });
    expect(syncs.count()).toBe(0);
  });

  it('fsyncs once flush.messages records are unflushed', async () => {
    await log.createTopic('t', { config: { 'flush.messages': 25 } });
    const syncs = countSyncs();
    await log.append('t', 0, records(10));
    await log.append('t', 0, records(10));
    expect(syncs.count()).toBe(0);
    await log.append('t', 0, records(10)); // 30 >= 25: this append waits for the fsync
    expect(syncs.count()).toBeGreaterThan(0);
  });

  it('fsyncs in the background once unflushed records are flush.ms old', async () => {
    await log.close();
    log = await openLog(dir, { now: time.now, flushCheckIntervalMs: 10 });
    await log.createTopic('t', { config: { 'flush.ms': 1000 } });
    const syncs = countSyncs();
    await log.append('t', 0, records(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(syncs.count()).toBe(0);
    time.advance(1001);
    await vi.waitFor(() => expect(syncs.count()).toBeGreaterThan(0), { timeout: 2000, interval: 10 });
  });

  it('closes the log for good when an fsync fails, and a reopen recovers', async () => {
    await log.createTopic('t');
    await log.append('t', 0, records(5), { acks: 'all' });
    vi.spyOn(fs, 'fdatasync').mockImplementation(((_fd: number, cb: (err: Error) => void) =>
      cb(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }))) as never);
    const err = await log.append('t', 0, records(5, 5), { acks: 'all' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogClosedError);
    expect((err as Error).message).toContain('after a fatal error');
    expect(((err as Error).cause as Error).message).toContain('EIO');
    await expect(log.append('t', 0, records(1))).rejects.toThrowError(LogClosedError);
    await expect(log.read('t', 0, 0)).rejects.toThrowError(LogClosedError);
    vi.restoreAllMocks();
    await log.close();
    expect(fs.existsSync(path.join(dir, '.kafka_cleanshutdown'))).toBe(false); // not a clean stop
    log = await openLog(dir, { now: time.now });
    const { records: got } = await log.readRecords('t', 0, 0);
    expect(got.slice(0, 5).map((r) => r.value!.toString())).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
  });

  it('stamps client batches of a LogAppendTime topic with the append time', async () => {
    await log.createTopic('t', { config: { 'message.timestamp.type': 'LogAppendTime' } });
    const batch = encodeRecordBatch(
      records(2).map((r) => ({ ...r, timestamp: 5 })),
      {},
    );
    const result = await log.appendBatches('t', 0, batch);
    expect(result.logAppendTime).toBe(time.now());
    const { records: got } = await log.readRecords('t', 0, 0);
    expect(got.map((r) => r.timestamp)).toEqual([time.now(), time.now()]);
    // The CRC was recomputed: a verifying read accepts the stored batch.
    await log.close();
    fs.rmSync(path.join(dir, '.kafka_cleanshutdown'));
    const { logger, lines } = memoryLogger();
    log = await openLog(dir, { now: time.now, logger });
    expect(log.offsets('t', 0).highWatermark).toBe(2);
    expect(lines.filter((l) => (l.level as number) >= 40)).toEqual([]);
  });

  it('rolls a segment when its offset index is full (segment.index.bytes)', async () => {
    await log.createTopic('t', { config: { 'segment.index.bytes': 4096, 'index.interval.bytes': 0 } });
    for (let i = 0; i < 520; i++) await log.append('t', 0, records(1, i));
    const logs = fs.readdirSync(path.join(dir, 't-0')).filter((f) => f.endsWith('.log'));
    expect(logs.length).toBe(2); // 4096 / 8 = 512 entries a segment
  });
});
