import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Log } from '../../src/log/index.js';
import { clock, openLog, tempDir } from './helpers.js';

const rec = (key: string | null, value: string | null) => ({
  key: key === null ? null : Buffer.from(key),
  value: value === null ? null : Buffer.from(value),
});

const logFiles = (dir: string) =>
  fs
    .readdirSync(path.join(dir, 't-0'))
    .filter((f) => /\.log/.test(f))
    .sort();

describe('log › cleaner', () => {
  let dir: string;
  let log: Log;
  let time: ReturnType<typeof clock>;
  beforeEach(async () => {
    dir = tempDir();
    time = clock();
    log = await openLog(dir, { now: time.now });
    await log.createTopic('t', {
      config: { 'cleanup.policy': 'compact', 'segment.bytes': 250, 'delete.retention.ms': 60_000 },
    });
  });
  afterEach(async () => {
    await log.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Every record, reading on until the high watermark (one read returns one segment's batches at most). */
  const readAll = async (topic = 't') => {
    const all = [];
    let { logStartOffset: offset, highWatermark } = log.offsets(topic, 0);
    while (offset < highWatermark) {
      const read = await log.readRecords(topic, 0, offset, { maxBytes: 1 << 20 });
      all.push(...read.records);
      offset = read.nextOffset;
    }
    return all;
  };
  const summary = async () =>
    (await readAll()).map((r) => `${r.offset}:${r.key?.toString() ?? '-'}=${r.value?.toString() ?? 'null'}`);

  it('keeps the newest record per key, with its offset, and never touches the active segment', async () => {
    await log.alterTopicConfig('t', { 'segment.bytes': 100 }); // a segment per batch
    await log.append('t', 0, [rec('a', '1'), rec('b', '1'), rec('a', '2')]);
    await log.append('t', 0, [rec('c', '1'), rec('b', '2'), rec(null, 'unkeyed')]);
    await log.append('t', 0, [rec('a', '3'), rec('d', '1')]);
    await log.append('t', 0, [rec('a', '4')]);
    await log.append('t', 0, [rec('a', '5')]);
    expect(logFiles(dir)).toHaveLength(5);
    const result = await log.compact('t', 0);
    expect(result!.recordsRemoved).toBeGreaterThan(0);
    expect(await summary()).toEqual([
      '3:c=1',
      '4:b=2',
      '5:-=unkeyed',
      '7:d=1',
      '8:a=4', // superseded only by a record in the active segment: kept, as Kafka does
      '9:a=5',
    ]);
    expect(log.offsets('t', 0)).toEqual({ logStartOffset: 0, highWatermark: 10, lastStableOffset: 10 });
    expect((await log.append('t', 0, [rec('e', '1')])).baseOffset).toBe(10);
    expect(logFiles(dir).some((f) => f.endsWith('.cleaned') || f.endsWith('.swap'))).toBe(false);
  });

  it('reads at any offset across the gaps compaction leaves', async () => {
    for (let i = 0; i < 30; i++) await log.append('t', 0, [rec(`k${i % 3}`, `v${i}`)]);
    await log.compact('t', 0);
    const offsets = (await readAll()).map((r) => r.offset);
    expect(offsets.slice(-3)).toEqual([27, 28, 29]);
    for (let from = 0; from < 30; from++) {
      const { records } = await log.readRecords('t', 0, from);
      expect(records[0]!.offset).toBe(offsets.find((o) => o >= from));
    }
  });

  it('keeps a tombstone for delete.retention.ms, then drops it', async () => {
    await log.append('t', 0, [rec('a', '1'), rec('b', '1')]);
    await log.append('t', 0, [rec('a', null)]);
    await log.append('t', 0, [rec('x', 'pad'.repeat(40))]);
    await log.append('t', 0, [rec('y', 'pad'.repeat(40))]);
    await log.compact('t', 0);
    expect(await summary()).toContain('2:a=null');
    expect(await summary()).not.toContain('0:a=1');
    time.advance(61_000);
    await log.append('t', 0, [rec('z', '1')]);
    await log.compact('t', 0);
    const after = await summary();
    expect(after.some((s) => s.includes(':a='))).toBe(false);
    expect(after).toContain('1:b=1');
  });

  it('keeps the compacted state across a reopen, and the indexes work', async () => {
    for (let i = 0; i < 40; i++) await log.append('t', 0, [rec(`k${i % 4}`, `v${i}`)]);
    await log.compact('t', 0);
    const compacted = await summary();
    await log.close();
    log = await openLog(dir, { now: time.now });
    expect(await summary()).toEqual(compacted);
    const reopenedAndCleanedAgain = await log.compact('t', 0);
    expect(reopenedAndCleanedAgain!.recordsRemoved).toBe(0);
    expect(await summary()).toEqual(compacted);
  });

  it('finishes a swap a crash interrupted', async () => {
    for (let i = 0; i < 20; i++) await log.append('t', 0, [rec(`k${i % 2}`, `v${i}`)]);
    await log.close();
    // As if a cleaner had written and fsynced a compacted copy of the first segment, then crashed.
    const part = path.join(dir, 't-0');
    const first = path.join(part, '00000000000000000000.log');
    fs.copyFileSync(first, `${first}.swap`);
    fs.writeFileSync(`${first}.cleaned`, 'half written');
    log = await openLog(dir, { now: time.now });
    expect(logFiles(dir).some((f) => f.endsWith('.swap') || f.endsWith('.cleaned'))).toBe(false);
    expect((await readAll()).map((r) => r.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('runs on partitions whose dirty ratio reached min.cleanable.dirty.ratio', async () => {
    await log.createTopic('plain', { config: { 'segment.bytes': 100 } });
    for (let i = 0; i < 10; i++) await log.append('plain', 0, [rec('same', `v${i}`)]);
    for (let i = 0; i < 10; i++) await log.append('t', 0, [rec('same', `v${i}`)]);
    expect(await log.runCleaner()).toBe(1); // only the compacted topic
    expect((await readAll()).length).toBe(2); // the newest non-active one, and the active segment's
    expect(await log.runCleaner()).toBe(0); // clean now
    expect(fs.readFileSync(path.join(dir, 'cleaner-offset-checkpoint'), 'utf8')).toMatch(/^0\n1\nt 0 \d+\n$/);
  });
});
