import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'sluice-quickstart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sluice(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, SLUICE_QUICKSTART_DIR: dir },
    timeout: 90_000,
  });
}

/** The same computation as the pipeline, done by hand over the shipped files: paid orders per region and hour. */
function expectedWindows(): Map<string, { orders: number; revenue: number }> {
  const out = new Map<string, { orders: number; revenue: number }>();
  for (const f of readdirSync('examples/data').filter((n) => /^orders-.*\.csv$/.test(n))) {
    for (const row of parse(readFileSync(join('examples/data', f)), { columns: true }) as Record<
      string,
      string
    >[]) {
      const ts = Date.parse(row.ts);
      const quantity = Number(row.quantity);
      if (Number.isNaN(ts) || !Number.isInteger(quantity) || row.status !== 'paid') continue;
      const start = new Date(Math.floor(ts / 3_600_000) * 3_600_000).toISOString();
      const key = `${row.region} ${start}`;
      const w = out.get(key) ?? { orders: 0, revenue: 0 };
      w.orders += 1;
      w.revenue += Math.round(quantity * Number(row.unit_price) * 100) / 100;
      out.set(key, w);
    }
  }
  return out;
}

describe('pipeline › quickstart', () => {
  it('validates, passes its own tests, and runs to completion on the embedded log', () => {
    expect(sluice('validate', 'pipelines/quickstart.yaml').status).toBe(0);
    const tested = sluice('test', 'pipelines/quickstart.yaml');
    expect(tested.stdout).toContain('2 passed, 0 failed');

    const run = sluice('run', 'pipelines/quickstart.yaml', '--json'); // until-done: true in the file
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout.trim().split('\n').pop()!);
    expect(summary.ok).toBe(true);
    const rows = readdirSync('examples/data')
      .filter((n) => /^orders-.*\.csv$/.test(n))
      .reduce((n, f) => n + readFileSync(join('examples/data', f), 'utf8').trim().split('\n').length - 1, 0);
    expect(summary.recordsIn).toBe(rows);
    expect(summary.deadLettered).toBe(2);

    // Every window the CSV sink wrote is a closed window with exactly the hand-computed figures.
    const files = readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.csv'));
    const written = files.flatMap(
      (f) => parse(readFileSync(join(dir, 'out', f)), { columns: true }) as Record<string, string>[],
    );
    const expected = expectedWindows();
    expect(written.length).toBeGreaterThan(0);
    for (const w of written) {
      const e = expected.get(`${w.key} ${w.start}`);
      expect(e, `window ${w.key} ${w.start}`).toBeDefined();
      expect(Number(w.orders)).toBe(e!.orders);
      expect(Number(w.revenue)).toBeCloseTo(e!.revenue, 2);
    }
    // Only the last window of each region may stay open (emit: final closes a window when later data arrives).
    expect(written.length).toBeGreaterThanOrEqual(expected.size - 3);
    const jsonl = readFileSync(join(dir, 'revenue.jsonl'), 'utf8').trim().split('\n');
    expect(jsonl).toHaveLength(written.length);

    // The shipped input is read in place and left alone; a second run finds nothing new.
    expect(readdirSync('examples/data').filter((n) => n.endsWith('.csv')).length).toBeGreaterThan(0);
    const again = sluice('run', 'pipelines/quickstart.yaml', '--until-done', '--json');
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout.trim().split('\n').pop()!).recordsIn).toBe(0);
  }, 180_000);
});
