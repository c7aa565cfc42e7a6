import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Log, verifyLogDir } from '../../src/log/index.js';
import { openLog, records, tempDir } from './helpers.js';

/** Checks what the log writes with the independent verifier behind `sluice log verify`. */
describe('log › on-disk format', () => {
  let dir: string;
  let log: Log;
  beforeEach(async () => {
    dir = tempDir();
    log = await openLog(dir);
  });
  afterEach(async () => {
    await log.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes segments, indexes and time indexes the verifier accepts', async () => {
    await log.createTopic('t', {
      partitions: 2,
      config: { 'segment.bytes': 4000, 'index.interval.bytes': 200 },
    });
    for (let i = 0; i < 60; i++) {
      // Timestamps that go back and forth, as producers' clocks do.
      const batch = records(7, i * 7).map((r, j) => ({ ...r, timestamp: 1000 + ((i * 37 + j * 11) % 500) }));
      await log.append('t', i % 2, batch);
    }
    await log.close();
    const report = await verifyLogDir(dir);
    expect(report.damage).toEqual([]);
    expect(report.partitions).toBe(2);
    expect(report.records).toBe(420);
    expect(report.segments).toBeGreaterThan(2);
    log = await openLog(dir);
  });

  it('stays valid after compaction, gaps aside', async () => {
    await log.createTopic('c', { config: { 'cleanup.policy': 'compact', 'segment.bytes': 600 } });
    for (let i = 0; i < 40; i++) await log.append('c', 0, records(3, i * 3, 5));
    await log.compact('c', 0);
    await log.close();
    const report = await verifyLogDir(dir, { allowGaps: true });
    expect(report.damage).toEqual([]);
    log = await openLog(dir);
  });
});
