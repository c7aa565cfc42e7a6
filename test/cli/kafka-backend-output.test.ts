import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../pipeline/wait.js';
import { runSluice, startSluice } from './compiled-cli.js';

// As a user's shell has it: kafkajs prints its warning unless this is set, so it must not be set here.
delete process.env.KAFKAJS_NO_PARTITIONER_WARNING;

const dir = mkdtempSync(join(tmpdir(), 'sluice-kafka-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cli › commands on the kafka backend', () => {
  it('print nothing of kafkajs’s partitioner warning: a pipeline on log.brokers, produce and consume', async () => {
    const broker = startSluice([
      'broker',
      '--log-dir',
      join(dir, 'log'),
      '--listen',
      '127.0.0.1:0',
      '--log-format',
      'json',
    ]);
    try {
      await waitFor('the broker', () => /"msg":"broker listening"/.test(broker.stderr()));
      const port = /"port":(\d+)/.exec(broker.stderr())![1]!;
      const bootstrap = `127.0.0.1:${port}`;
      mkdirSync(join(dir, 'in'));
      writeFileSync(join(dir, 'in', 'rows.csv'), 'id,name\n1,ann\n2,bob\n');
      const file = join(dir, 'p.yaml');
      writeFileSync(
        file,
        `name: on-kafka
until-done: true
log:
  brokers: [${bootstrap}]
sources:
  - name: rows
    connector: csv
    topic: rows
    config:
      input.path: ${join(dir, 'in')}
      input.finite: true
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
      const run = await runSluice(['run', file, '--json']);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toMatchObject({ ok: true, recordsIn: 2 });
      // Keyed records go through sluice's own (Kafka's murmur2) partitioning before kafkajs sees them.
      const produce = await runSluice(['produce', 'rows', '-k', ':', '--bootstrap-server', bootstrap], {
        input: 'k1:{"id":3,"name":"cy"}\nk2:{"id":4,"name":"di"}\n',
      });
      expect(produce.code, produce.stderr).toBe(0);
      const consume = await runSluice([
        'consume',
        'rows',
        '--from-beginning',
        '--no-follow',
        '--bootstrap-server',
        bootstrap,
      ]);
      expect(consume.code, consume.stderr).toBe(0);
      expect(consume.stdout.trim().split('\n')).toHaveLength(4);
      for (const stderr of [run.stderr, produce.stderr, consume.stderr, broker.stderr()]) {
        expect(stderr).not.toMatch(/partitioner/i);
        expect(stderr).not.toContain('KAFKAJS_NO_PARTITIONER_WARNING');
      }
    } finally {
      broker.child.kill('SIGTERM');
      await broker.done;
    }
  }, 120_000);
});
