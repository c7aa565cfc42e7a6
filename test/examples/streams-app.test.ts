import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('examples › streams app', () => {
  it('counts words and reads the totals from the state store', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/streams-app/main.ts'], {
      encoding: 'utf8',
      timeout: 50_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['the 2', 'cat 1', 'mat 1']);
  }, 60_000);
});
