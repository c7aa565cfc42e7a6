import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('examples › custom pipeline step', () => {
  it('the module step loads from the pipeline file and passes the example tests', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/run.ts', 'test', 'examples/custom-step/pipeline.yaml'],
      { encoding: 'utf8', timeout: 50_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('1 passed, 0 failed');
  }, 60_000);
});
