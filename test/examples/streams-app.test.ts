import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'sluice-example-streams-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function example(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', ...args], { encoding: 'utf8', timeout: 100_000 });
}

describe('examples › streams app', () => {
  it('counts words on an embedded log and reads the totals from the state store', () => {
    const log = join(dir, 'log');
    const r = example('examples/streams-app/main.ts', log);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['the 2', 'cat 1', 'mat 1']);
    // It ran on the log: its input, output, repartition and changelog topics are there on disk.
    const topics = readdirSync(log);
    for (const t of ['lines-0', 'word-counts-0']) expect(topics).toContain(t);
    expect(topics.some((t) => t.startsWith('example-word-count-') && t.includes('changelog'))).toBe(true);
  }, 120_000);

  it('runs the same topology on the test driver', () => {
    const r = example('examples/streams-app/test-driver.ts');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['the 2', 'cat 1', 'mat 1']);
  }, 120_000);
});
