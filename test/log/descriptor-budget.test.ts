import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { descriptors } from '../../src/log/descriptor-cache.js';
import { openLog, tempDir } from './helpers.js';

const openDescriptors = () => fs.readdirSync('/proc/self/fd').length;
const dirs: string[] = [];
const limitBefore = descriptors.limit;

afterAll(() => {
  descriptors.limit = limitBefore;
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('log › descriptors', () => {
  it('opens, writes and reopens 1,500 partitions within a budget of 64 descriptors', {
    timeout: 300_000,
  }, async () => {
    const dir = tempDir('sluice-fds-');
    dirs.push(dir);
    const before = openDescriptors();
    const log = await openLog(dir, { maxOpenFiles: 64 });
    let peak = 0;
    for (let t = 0; t < 300; t++) {
      await log.createTopic(`t${t}`, { partitions: 5 });
      for (let p = 0; p < 5; p++) {
        await log.append(`t${t}`, p, [{ key: null, value: Buffer.from(`${t}/${p}`) }], { acks: -1 });
      }
      peak = Math.max(peak, openDescriptors() - before);
    }
    // 3 files per partition would be 4,500; the budget holds them at 64 plus the lock and directory handles.
    expect(peak).toBeLessThanOrEqual(64 + 16);
    await log.close();
    expect(openDescriptors()).toBeLessThanOrEqual(before + 2);

    const reopened = await openLog(dir, { maxOpenFiles: 64 });
    try {
      expect(openDescriptors() - before).toBeLessThanOrEqual(64 + 16);
      for (const t of [0, 150, 299]) {
        for (let p = 0; p < 5; p++) {
          const r = await reopened.readRecords(`t${t}`, p, 0);
          expect(r.records.map((x) => x.value!.toString())).toEqual([`${t}/${p}`]);
        }
      }
      expect(openDescriptors() - before).toBeLessThanOrEqual(64 + 16);
    } finally {
      await reopened.close();
    }
  });
});

describe('log › descriptors › running out', () => {
  it('never closes the log when the process runs out of descriptors', { timeout: 120_000 }, async () => {
    const { spawn } = await import('node:child_process');
    const path = await import('node:path');
    const dir = tempDir('sluice-emfile-');
    dirs.push(dir);
    const writer = path.join(import.meta.dirname, 'fixtures', 'emfile-writer.ts');
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        'bash',
        ['-c', `ulimit -n 200 && exec "${process.execPath}" --import tsx "${writer}" "${dir}"`],
        {
          cwd: path.join(import.meta.dirname, '..', '..'),
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout) as { hogged: number; starved: string[]; after: string[] };
    expect(result.hogged).toBeGreaterThan(0);
    // Starved appends either got a descriptor an idle file gave back, or failed retriably; none closed the log.
    for (const s of result.starved) expect(['ok', 'FILE_DESCRIPTORS_EXHAUSTED:true']).toContain(s);
    expect(result.after).toEqual(Array(60).fill('ok'));
    const log = await openLog(dir);
    try {
      const r = await log.readRecords('t0', 0, 0);
      expect(r.records.map((x) => x.value!.toString()).filter((v) => v !== 'starved')).toEqual([
        'before',
        'after',
      ]);
    } finally {
      await log.close();
    }
  });
});
