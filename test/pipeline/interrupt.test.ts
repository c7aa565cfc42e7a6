import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL, shareServer } from '../connectors/postgres/harness.js';
import { waitFor } from './wait.js';

const dirs: string[] = [];
// The second test locks a PostgreSQL table; the shared lease keeps other files from restarting the server meanwhile.
let releaseServer: (() => Promise<void>) | undefined;
beforeAll(async () => {
  releaseServer = await shareServer();
}, 120_000);
afterAll(async () => {
  await releaseServer?.();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// Enough rows that the sink's first lines appear well before the source has read them all, however fast the run.
const ROWS = 200_000;

/** CSV rows → a reshaping stream → a JSON-lines file, as a batch job. */
function setUp(): { dir: string; file: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-interrupt-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'in'));
  const rows = Array.from({ length: ROWS }, (_, i) => `${i},item-${i},${i % 97}`);
  writeFileSync(join(dir, 'in', 'rows.csv'), `id,name,qty\n${rows.join('\n')}\n`);
  const file = join(dir, 'p.yaml');
  const out = join(dir, 'out.jsonl');
  writeFileSync(
    file,
    `name: interrupted
until-done: true
log:
  dir: ${join(dir, 'log')}
sources:
  - name: rows
    connector: csv
    topic: rows
    config:
      input.path: ${join(dir, 'in')}
      input.claim: offsets
      input.finite: true
      cleanup.policy: none
      value.schema: { id: long, name: string, qty: int }
streams:
  - name: double
    from: rows
    steps:
      - map: '{ "id": id, "qty2": qty * 2 }'
    to: doubled
sinks:
  - name: out
    connector: FileStreamSink
    topics: doubled
    config:
      file: ${out}
      format: json
`,
  );
  return { dir, file, out };
}

function start(file: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', 'run', file, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => ({ stdout, stderr }) };
}

function ids(out: string): number[] {
  if (!existsSync(out)) return [];
  return readFileSync(out, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { id: number }).id);
}

describe('pipeline › run › Ctrl-C', () => {
  it('stops mid-run without losing a row: a second run delivers the rest', async () => {
    const { file, out } = setUp();
    const first = start(file);
    await waitFor('the first rows in the sink', () => ids(out).length > 0);
    first.child.kill('SIGINT');
    const stopped = await first.exited;
    // A batch run interrupted before the end did not succeed: 130, as a shell reports Ctrl-C, and the reason.
    expect(stopped, first.output().stderr).toEqual({ code: 130, signal: null });
    expect(first.output().stderr).toContain('stopping: flushing and committing');
    const summary = JSON.parse(first.output().stdout.trim().split('\n').pop()!);
    expect(summary.ok).toBe(false);
    expect(summary.problems).toEqual(['interrupted before the input was drained (Ctrl-C or SIGTERM)']);
    // Interrupted, so not everything was through yet.
    expect(summary.recordsOut).toBeLessThan(ROWS);

    const second = start(file);
    expect(await second.exited, second.output().stderr).toEqual({ code: 0, signal: null });
    const all = ids(out);
    const seen = new Set(all);
    // Every row at least once, nothing that was not in the input.
    expect(seen.size).toBe(ROWS);
    expect(all.every((id) => Number.isInteger(id) && id >= 0 && id < ROWS)).toBe(true);
  }, 200_000);

  it('a second Ctrl-C exits at once, without waiting for the graceful stop', async () => {
    const { dir } = setUp();
    const table = `interrupted_${Math.random().toString(36).slice(2, 10)}`;
    const file = join(dir, 'to-postgres.yaml');
    writeFileSync(
      file,
      `name: interrupted-pg
log:
  dir: ${join(dir, 'log-pg')}
sources:
  - name: rows
    connector: csv
    topic: rows
    config:
      input.path: ${join(dir, 'in')}
      input.claim: offsets
      input.finite: true
      cleanup.policy: none
      value.schema: { id: long, name: string, qty: int }
sinks:
  - name: db
    connector: postgres-sink
    topics: rows
    config:
      connection.url: ${PG_URL}
      table.name.format: ${table}
`,
    );
    const db = new pg.Client({ connectionString: PG_URL });
    db.on('error', () => {});
    await db.connect();
    try {
      await db.query(`CREATE TABLE "${table}" (id bigint PRIMARY KEY, name text, qty int)`);
      // The table stays locked: the sink waits on it, and so does a graceful stop (up to the task's timeout).
      await db.query('BEGIN');
      await db.query(`LOCK TABLE "${table}" IN ACCESS EXCLUSIVE MODE`);
      const run = start(file);
      await waitFor('the whole input read', () => run.output().stderr.includes('"msg":"file done"'));
      run.child.kill('SIGINT');
      await waitFor('the graceful stop', () => run.output().stderr.includes('stopping: flushing'));
      await new Promise((r) => setTimeout(r, 1000));
      expect(run.child.exitCode, 'still waiting for the locked table').toBeNull();
      run.child.kill('SIGINT');
      expect(await run.exited).toEqual({ code: 130, signal: null });
      // It exited before the graceful stop could write a summary.
      expect(run.output().stdout).not.toContain('recordsIn');
    } finally {
      await db.query('ROLLBACK').catch(() => {});
      await db.query(`DROP TABLE IF EXISTS "${table}"`).catch(() => {});
      await db.end();
    }
  }, 200_000);
});
