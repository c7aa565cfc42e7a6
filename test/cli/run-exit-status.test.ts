import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../pipeline/wait.js';
import { runSluice, startSluice } from './compiled-cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A CSV folder → topic → JSON-lines batch pipeline; `csv` is the one input file, `config` extra source keys. */
function pipeline(csv: string, config: Record<string, string> = {}, inputPath?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-exit-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'in'));
  writeFileSync(join(dir, 'in', 'rows.csv'), csv);
  const extra = Object.entries({ 'input.finite': 'true', ...config })
    .map(([k, v]) => `      ${k}: ${v}`)
    .join('\n');
  const file = join(dir, 'p.yaml');
  writeFileSync(
    file,
    `name: exit-status
until-done: true
log:
  dir: ${join(dir, 'log')}
sources:
  - name: rows
    connector: csv
    topic: rows
    config:
      input.path: ${inputPath ?? join(dir, 'in')}
      input.claim: offsets
      cleanup.policy: none
      value.schema: { id: long, qty: int }
${extra}
sinks:
  - name: out
    connector: FileStreamSink
    topics: rows
    config:
      file: ${join(dir, 'out.jsonl')}
      format: json
`,
  );
  return { dir, file };
}

const summaryOf = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

describe('cli › run › exit status of a batch run', () => {
  it('a source that failed for good (errors.tolerance: none, a bad row) exits 1 and says why', async () => {
    const { file } = pipeline('id,qty\n1,2\n2,x\n3,4\n', { 'errors.tolerance': 'none' });
    const run = await runSluice(['run', file, '--json']);
    expect(run.code, run.stderr).toBe(1);
    const summary = summaryOf(run.stdout);
    expect(summary.ok).toBe(false);
    // Not counted as finished while it was restarting: the run waited for the restarts to give up.
    expect(summary.components.find((c: { kind: string }) => c.kind === 'source').state).toBe('FAILED');
    expect(summary.problems).toEqual([
      expect.stringMatching(/^source rows failed: rows\.csv line 3: column "qty"/),
    ]);
    expect(run.stderr).toMatch(/sluice: source rows failed: rows\.csv line 3/);
  }, 120_000);

  it('the text summary says FAILED with each component state', async () => {
    const { file } = pipeline('id,qty\n1,x\n', { 'errors.tolerance': 'none' });
    const run = await runSluice(['run', file]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^FAILED after [\d.]+ s: 0 records in/);
    expect(run.stdout).toMatch(/source rows +0 records +FAILED/);
  }, 120_000);

  it('an input folder that does not exist exits 1, naming it', async () => {
    const { dir, file } = pipeline('id,qty\n1,2\n', {}, '/nonexistent/typo/orders');
    const run = await runSluice(['run', file, '--json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(1);
    const summary = summaryOf(run.stdout);
    expect(summary.ok).toBe(false);
    expect(summary.recordsIn).toBe(0);
    expect(summary.problems).toEqual([
      'source rows read nothing: input.path /nonexistent/typo/orders does not exist',
    ]);
  }, 120_000);

  it('a batch run stopped by Ctrl-C before the end exits 130 and says it was interrupted', async () => {
    // input.finite false: the source never reports the end, so only Ctrl-C stops this batch run.
    const { file } = pipeline('id,qty\n1,2\n', { 'input.finite': 'false' });
    const run = startSluice(['run', file, '--json']);
    await waitFor('the file read', () => run.stderr().includes('"msg":"file done"'));
    run.child.kill('SIGINT');
    const ended = await run.done;
    expect(ended.code, ended.stderr).toBe(130);
    const summary = summaryOf(ended.stdout);
    expect(summary.ok).toBe(false);
    expect(summary.problems).toEqual(['interrupted before the input was drained (Ctrl-C or SIGTERM)']);
  }, 120_000);

  it('a drained batch run exits 0 with ok: true and no problems', async () => {
    const { dir, file } = pipeline('id,qty\n1,2\n2,3\n');
    const run = await runSluice(['run', file, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const summary = summaryOf(run.stdout);
    expect(summary).toMatchObject({ ok: true, problems: [], recordsIn: 2, recordsOut: 2 });
    // Proportionate on the embedded log: one partition of __consumer_offsets and of the Connect offsets topic
    // (Kafka's 50 and 25 made a tiny pipeline create 75 directories).
    const partitions = readdirSync(join(dir, 'log'))
      .filter((d) => /-\d+$/.test(d))
      .sort();
    expect(partitions).toEqual([
      '__consumer_offsets-0',
      'exit-status-connect-offsets-0',
      'rows-0',
      'rows-dlq-0',
    ]);
  }, 120_000);
});
