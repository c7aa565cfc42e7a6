import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSluice } from '../cli/compiled-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-csv-roundtrip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pipeline › csv → topic → csv', () => {
  it('writes back what it read when both ends declare the same schema', async () => {
    mkdirSync(join(dir, 'in'));
    const header = 'id,ts,day,local,amount,note';
    const rows = Array.from({ length: 500 }, (_, i) => {
      const ts = new Date(Date.UTC(2026, 0, 1) + i * 61_001).toISOString();
      const day = new Date(Date.UTC(2026, 0, 1 + (i % 40))).toISOString().slice(0, 10);
      const local = `2026-02-${String(1 + (i % 28)).padStart(2, '0')} 0${i % 10}:1${i % 10}:2${i % 10}`;
      return `${i},${ts},${day},${local},${(i * 1.25).toFixed(2)},${i % 7 === 0 ? '"a, b"' : `n${i}`}`;
    });
    const input = `${header}\n${rows.join('\n')}\n`;
    writeFileSync(join(dir, 'in', 'orders.csv'), input);
    const schema =
      '{ id: long, ts: timestamp, day: date, local: "timestamp(yyyy-MM-dd HH:mm:ss)", amount: decimal, note: string }';
    const file = join(dir, 'roundtrip.yaml');
    writeFileSync(
      file,
      `name: roundtrip
until-done: true
log:
  dir: ${join(dir, 'log')}
sources:
  - name: in
    connector: csv
    topic: orders
    config:
      input.path: ${join(dir, 'in')}
      input.claim: offsets
      input.finite: true
      cleanup.policy: none
      value.schema: ${schema}
sinks:
  - name: out
    connector: csv-sink
    topics: orders
    config:
      output.path: ${join(dir, 'out')}
      value.schema: ${schema}
`,
    );
    const run = await runSluice(['run', file, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const files = readdirSync(join(dir, 'out'))
      .filter((f) => f.endsWith('.csv'))
      .sort();
    expect(files.length).toBeGreaterThan(0);
    // Each output file has its own header; together their rows are the input's, byte for byte.
    const written = files.flatMap((f) =>
      readFileSync(join(dir, 'out', f), 'utf8')
        .trim()
        .split('\n')
        .slice(1),
    );
    expect(readFileSync(join(dir, 'out', files[0]!), 'utf8').split('\n')[0]).toBe(header);
    expect(written).toEqual(rows);
  }, 120_000);
});
