import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'sluice-fresh-clone-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The commands of the README's quick start, comments removed, in order. */
function quickStart(): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const block = readme.slice(readme.indexOf('## Quick start')).match(/```sh\n([\s\S]*?)```/)?.[1] ?? '';
  return block
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean);
}

describe('pipeline › quickstart from a fresh clone', () => {
  it('works exactly as the README says: npm install, then npx sluice run pipelines/quickstart.yaml', () => {
    expect(quickStart()).toEqual(['npm install', 'npx sluice run pipelines/quickstart.yaml', 'npm test']);

    // The committed tree, as a clone has it: no dist/, no .sluice/, no node_modules/.
    execFileSync('sh', ['-c', `git archive HEAD | tar -x -C '${dir}'`], { timeout: 120_000 });
    expect(existsSync(join(dir, 'dist'))).toBe(false);
    // `npm install` = the dependencies (linked from this checkout: no network in tests) + its prepare script.
    symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
    const prepare = spawnSync('npm', ['run', 'prepare'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
    expect(prepare.status, prepare.stdout + prepare.stderr).toBe(0);

    const env = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('SLUICE_')) delete env[k];
    const run = spawnSync('npx', ['sluice', 'run', 'pipelines/quickstart.yaml'], {
      cwd: dir,
      encoding: 'utf8',
      env,
      timeout: 240_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const rows = readdirSync(join(dir, 'examples/data'))
      .filter((f) => /^orders-.*\.csv$/.test(f))
      .reduce(
        (n, f) =>
          n +
          readFileSync(join(dir, 'examples/data', f), 'utf8')
            .trim()
            .split('\n').length -
          1,
        0,
      );
    const summary = run.stdout.match(/^done in [\d.]+ s: (\d+) records in, (\d+) out, 2 dead-lettered/);
    expect(summary, run.stdout).not.toBeNull();
    expect(Number(summary![1])).toBe(rows);
    // Where the README says the results are: every record out is a line there.
    const lines = (f: string) => readFileSync(f, 'utf8').trim().split('\n').length;
    const out = join(dir, '.sluice/quickstart/out');
    const csvRows = readdirSync(out).reduce((n, f) => n + lines(join(out, f)) - 1, 0);
    expect(csvRows + lines(join(dir, '.sluice/quickstart/revenue.jsonl'))).toBe(Number(summary![2]));
  }, 600_000);
});
