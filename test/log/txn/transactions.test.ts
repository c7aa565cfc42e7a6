import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Log } from '../../../src/log/index.js';
import { openLog, records, tempDir } from '../helpers.js';

const writer = fileURLToPath(new URL('../fixtures/txn-crash-writer.ts', import.meta.url));
const committed = { isolationLevel: 'read_committed' } as const;

async function values(log: Log, topic: string, partition: number, committedOnly: boolean): Promise<string[]> {
  const out: string[] = [];
  const end = log.offsets(topic, partition).highWatermark;
  for (let offset = 0; offset < end; ) {
    const read = await log.readRecords(topic, partition, offset, committedOnly ? committed : {});
    out.push(...read.records.map((r) => r.value!.toString()));
    if (read.nextOffset <= offset) break;
    offset = read.nextOffset;
  }
  return out;
}

const vals = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ value: Buffer.from(`${prefix}${i}`) }));

describe('log › transactions', () => {
  let dir: string;
  let log: Log;
  beforeEach(async () => {
    dir = tempDir();
    log = await openLog(dir);
    await log.createTopic('t', { partitions: 2 });
  });
  afterEach(async () => {
    await log.close().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('hides an open transaction from read_committed readers until it commits, on every partition at once', async () => {
    await log.append('t', 0, vals('plain', 2));
    const producer = await log.initTransactions('tx');
    await log.append('t', 0, vals('a', 3), { transaction: producer });
    await log.append('t', 1, vals('b', 2), { transaction: producer });
    await log.append('t', 0, vals('late', 1)); // non-transactional, after the open transaction

    expect(log.offsets('t', 0)).toMatchObject({ highWatermark: 6, lastStableOffset: 2 });
    expect(await values(log, 't', 0, false)).toEqual(['plain0', 'plain1', 'a0', 'a1', 'a2', 'late0']);
    const before = await log.readRecords('t', 0, 0, committed);
    expect(before.records.map((r) => r.value!.toString())).toEqual(['plain0', 'plain1']);
    expect(before.nextOffset).toBe(2);
    expect((await log.readRecords('t', 1, 0, committed)).records).toEqual([]);

    await log.endTransaction(producer, true);
    expect(log.offsets('t', 0)).toMatchObject({ highWatermark: 7, lastStableOffset: 7 });
    expect(await values(log, 't', 0, true)).toEqual(['plain0', 'plain1', 'a0', 'a1', 'a2', 'late0']);
    expect(await values(log, 't', 1, true)).toEqual(['b0', 'b1']);
    // The commit marker takes an offset but is never handed out as a record.
    expect(await values(log, 't', 1, false)).toEqual(['b0', 'b1']);
  });

  it('never shows the records of an aborted transaction to read_committed readers, also after a reopen', async () => {
    const producer = await log.initTransactions('tx');
    await log.append('t', 0, vals('kept', 2), { transaction: producer });
    await log.endTransaction(producer, true);
    await log.append('t', 0, vals('dropped', 3), { transaction: producer });
    await log.append('t', 0, vals('plain', 1));
    await log.endTransaction(producer, false);
    await log.append('t', 0, vals('after', 1), { transaction: producer });
    await log.endTransaction(producer, true);

    const expected = ['kept0', 'kept1', 'plain0', 'after0'];
    expect(await values(log, 't', 0, true)).toEqual(expected);
    expect(await values(log, 't', 0, false)).toEqual([
      'kept0',
      'kept1',
      'dropped0',
      'dropped1',
      'dropped2',
      'plain0',
      'after0',
    ]);
    // A reader starting inside the aborted transaction skips the rest of it too.
    const mid = await log.readRecords('t', 0, 4, committed);
    expect(mid.records.map((r) => r.value!.toString())).toEqual(['plain0', 'after0']);

    await log.close();
    expect(fs.existsSync(path.join(dir, 't-0', '00000000000000000000.txnindex'))).toBe(true);
    log = await openLog(dir);
    expect(await values(log, 't', 0, true)).toEqual(expected);
    expect(log.offsets('t', 0).lastStableOffset).toBe(log.offsets('t', 0).highWatermark);
  });

  it('long-polls a read_committed reader at the last stable offset until the transaction commits', async () => {
    const producer = await log.initTransactions('tx');
    await log.append('t', 0, vals('x', 2), { transaction: producer });
    const waiting = log.readRecords('t', 0, 0, { ...committed, maxWaitMs: 5000 });
    setTimeout(() => void log.endTransaction(producer, true), 50);
    const read = await waiting;
    expect(read.records.map((r) => r.value!.toString())).toEqual(['x0', 'x1']);
  });

  it('fences the older producer of a transactional id and aborts what it left open', async () => {
    const zombie = await log.initTransactions('tx');
    await log.append('t', 0, vals('zombie', 2), { transaction: zombie });
    const fresh = await log.initTransactions('tx');
    expect(fresh.producerId).toBe(zombie.producerId);
    expect(fresh.producerEpoch).toBe(zombie.producerEpoch + 1);
    await expect(log.append('t', 0, vals('late', 1), { transaction: zombie })).rejects.toMatchObject({
      code: 'PRODUCER_FENCED',
    });
    await expect(log.endTransaction(zombie, true)).rejects.toMatchObject({ code: 'PRODUCER_FENCED' });
    await log.append('t', 0, vals('fresh', 1), { transaction: fresh });
    await log.endTransaction(fresh, true);
    expect(await values(log, 't', 0, true)).toEqual(['fresh0']);
    // The epoch survives a reopen: a producer of the next process fences this one's.
    await log.close();
    log = await openLog(dir);
    expect((await log.initTransactions('tx')).producerEpoch).toBe(fresh.producerEpoch + 1);
  });

  it('refuses a transactional append from a producer id the log never handed out', async () => {
    await expect(
      log.append('t', 0, records(1), { transaction: { producerId: 999, producerEpoch: 0 } }),
    ).rejects.toMatchObject({ code: 'INVALID_PRODUCER_EPOCH' });
  });

  it('compaction drops aborted records and keeps the committed value they would have shadowed', async () => {
    await log.createTopic('c', { config: { 'cleanup.policy': 'compact', 'segment.bytes': 200 } });
    const producer = await log.initTransactions('tx');
    const kv = (v: string) => [{ key: Buffer.from('k'), value: Buffer.from(v) }];
    await log.append('c', 0, kv('old'), { transaction: producer });
    await log.endTransaction(producer, true);
    await log.append('c', 0, kv('committed'), { transaction: producer });
    await log.endTransaction(producer, true);
    await log.append('c', 0, kv('aborted'), { transaction: producer });
    await log.endTransaction(producer, false);
    await log.append('c', 0, [{ key: Buffer.from('pad'), value: Buffer.alloc(150) }]);
    const result = await log.compact('c', 0);
    expect(result?.recordsRemoved).toBeGreaterThanOrEqual(2);
    const all = await values(log, 'c', 0, false);
    expect(all).toContain('committed');
    expect(all).not.toContain('aborted');
    expect(all).not.toContain('old');
  });
});

describe('log › transactions › recovery after SIGKILL', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function crash(scenario: string): void {
    const run = spawnSync(process.execPath, ['--import', 'tsx', writer, dir, scenario], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.signal, run.stderr).toBe('SIGKILL');
  }

  it('aborts a transaction the crash left open, so its records never become visible and the LSO advances', async () => {
    crash('open');
    const log = await openLog(dir);
    try {
      for (const p of [0, 1]) {
        const offsets = log.offsets('t', p);
        expect(offsets.lastStableOffset).toBe(offsets.highWatermark);
        expect(await values(log, 't', p, true)).toEqual(['committed-0', 'committed-1', 'committed-2']);
      }
      // The next producer of the id starts clean, and its commit is visible.
      const producer = await log.initTransactions('writer');
      await log.append('t', 0, vals('next', 1), { transaction: producer });
      await log.endTransaction(producer, true);
      expect(await values(log, 't', 0, true)).toEqual(['committed-0', 'committed-1', 'committed-2', 'next0']);
    } finally {
      await log.close();
    }
  });

  it('finishes a commit whose decision was recorded before the crash, on every partition', async () => {
    crash('prepared');
    const log = await openLog(dir);
    try {
      for (const p of [0, 1]) {
        expect(await values(log, 't', p, true)).toEqual(['prepared-0', 'prepared-1']);
        const offsets = log.offsets('t', p);
        expect(offsets.lastStableOffset).toBe(offsets.highWatermark);
      }
    } finally {
      await log.close();
    }
  });
});
