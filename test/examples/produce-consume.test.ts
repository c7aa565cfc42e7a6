import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'sluice-example-pc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('examples › produce and consume', () => {
  it('prints the records it produced, read back by a consumer group', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'examples/produce-consume/main.ts', join(dir, 'log')],
      { encoding: 'utf8', timeout: 50_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['ada: hello Ada', 'bob: hi Bob']);
  }, 60_000);
});
