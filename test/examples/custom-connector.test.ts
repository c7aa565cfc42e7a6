import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'sluice-example-connector-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('examples › custom connector', () => {
  it('runs a source connector in a Worker; a second run resumes from its committed offset', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'examples/custom-connector/main.ts', join(dir, 'log')],
      { encoding: 'utf8', timeout: 100_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const squares = Array.from({ length: 8 }, (_, i) => `${i + 1}²=${(i + 1) ** 2}`).join(' ');
    expect(r.stdout.trim().split('\n')).toEqual(['run up to 5: FINISHED', 'run up to 8: FINISHED', squares]);
  }, 120_000);
});
