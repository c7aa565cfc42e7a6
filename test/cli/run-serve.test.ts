import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../pipeline/wait.js';
import { runSluice, startSluice } from './compiled-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-run-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cli › run --serve', () => {
  it('serves a running pipeline’s log over the Kafka protocol to the other commands', async () => {
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'rows.csv'), 'id,name\n1,ann\n2,bob\n3,cy\n');
    const file = join(dir, 'p.yaml');
    writeFileSync(
      file,
      `name: served
log:
  dir: ${join(dir, 'log')}
sources:
  - name: rows
    connector: csv
    topic: rows
    config:
      input.path: ${join(dir, 'in')}
      input.claim: offsets
      cleanup.policy: none
      value.schema: { id: long, name: string }
sinks:
  - name: out
    connector: FileStreamSink
    topics: rows
    config:
      file: ${join(dir, 'out.jsonl')}
      format: json
`,
    );
    const run = startSluice(['run', file, '--serve', '127.0.0.1:0']);
    try {
      await waitFor('the listener', () => /"bootstrap":"127\.0\.0\.1:\d+"/.test(run.stderr()));
      const bootstrap = /"bootstrap":"(127\.0\.0\.1:\d+)"/.exec(run.stderr())![1]!;
      await waitFor('the file read', () => run.stderr().includes('"msg":"file done"'));

      // Without --bootstrap-server the directory is locked, and the error says what to do.
      const locked = await runSluice(['topics', 'list', '--log-dir', join(dir, 'log')]);
      expect(locked.code).toBe(1);
      expect(locked.stderr).toContain('is in use by another process');
      expect(locked.stderr).toContain('--bootstrap-server');

      const via = (...args: string[]) => runSluice([...args, '--bootstrap-server', bootstrap]);
      const topics = await via('topics', 'list');
      expect(topics.code, topics.stderr).toBe(0);
      expect(topics.stdout.split('\n')).toContain('rows');
      const records = await via('consume', 'rows', '--from-beginning', '--no-follow');
      expect(records.stdout).toBe('{"id":1,"name":"ann"}\n{"id":2,"name":"bob"}\n{"id":3,"name":"cy"}\n');
      // The sink's group is visible, as the pipeline's own coordinator keeps it.
      const groups = await via('groups', 'list');
      expect(groups.stdout).toContain('connect-out');
    } finally {
      run.child.kill('SIGINT');
    }
    const ended = await run.done;
    // A continuous run stopped by Ctrl-C ends normally.
    expect(ended.code, ended.stderr).toBe(0);
  }, 180_000);
});
