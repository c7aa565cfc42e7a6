import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSluice } from './compiled-cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const summaryOf = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

describe('cli › run › progress through inputs of known size', () => {
  it('the JSON summary has the bytes read and the input size of a CSV folder and of a file read once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-progress-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'in'));
    const rows = (from: number, n: number) =>
      `id,name,qty\n${Array.from({ length: n }, (_, i) => `${from + i},item ${from + i},${i % 7}`).join('\n')}\n`;
    writeFileSync(join(dir, 'in', 'a.csv'), rows(0, 3000));
    // No newline after the last row: the end of the file is still all read.
    writeFileSync(join(dir, 'in', 'b.csv'), rows(3000, 1200).trimEnd());
    writeFileSync(join(dir, 'lines.txt'), 'one\ntwo\nthree\n');
    const folderBytes = statSync(join(dir, 'in', 'a.csv')).size + statSync(join(dir, 'in', 'b.csv')).size;
    const file = join(dir, 'p.yaml');
    writeFileSync(
      file,
      `name: progress
until-done: true
log:
  dir: ${join(dir, 'log')}
sources:
  - name: rows
    connector: csv
    topic: rows
    config:
      input.path: ${join(dir, 'in')}
      input.finite: true
      input.claim: offsets
      cleanup.policy: none
      batch.size: 500
      value.schema: { id: long, name: string, qty: int }
  - name: lines
    connector: FileStreamSource
    topic: lines
    config:
      file: ${join(dir, 'lines.txt')}
      tail: false
sinks:
  - name: out
    connector: FileStreamSink
    topics: [rows, lines]
    config:
      file: ${join(dir, 'out.jsonl')}
      format: json
`,
    );
    const run = await runSluice(['run', file, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const summary = summaryOf(run.stdout);
    expect(summary.recordsIn).toBe(4203);
    const source = (name: string) =>
      summary.components.find((c: { kind: string; name: string }) => c.kind === 'source' && c.name === name);
    expect(source('rows')).toMatchObject({ bytesRead: folderBytes, bytesTotal: folderBytes });
    expect(source('lines')).toMatchObject({ bytesRead: 14, bytesTotal: 14 });
    // Sinks read records, not bytes of an input.
    const sink = summary.components.find((c: { kind: string }) => c.kind === 'sink');
    expect(sink).not.toHaveProperty('bytesRead');
  }, 120_000);
});
