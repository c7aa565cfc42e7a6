import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect } from '../../../src/client/index.js';
import { OffsetStore } from '../../../src/connect/runtime/index.js';
import type { SpawnedCli } from '../../cli/spawn-cli.js';
import { eventually, Harness } from '../conformance/harness.js';
import { spawnStandaloneWorker } from './standalone-worker.js';

const LINES = 60_000;
const line = (i: number) => `line-${String(i).padStart(8, '0')}`;

let dir: string;
let child: SpawnedCli | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-connect-kill-'));
});

afterEach(async () => {
  child?.child.kill('SIGKILL');
  await child?.done.catch(() => undefined);
  child = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** Starts `sluice connect standalone` and resolves with its REST URL once it serves. */
async function startWorker(): Promise<{ proc: SpawnedCli; url: string }> {
  const worker = spawnStandaloneWorker([
    path.join(dir, 'worker.properties'),
    path.join(dir, 'source.properties'),
    path.join(dir, 'sink.yaml'),
  ]);
  child = worker.proc;
  return { proc: worker.proc, url: await worker.url };
}

async function sourcePosition(url: string): Promise<number> {
  const res = await fetch(`${url}/connectors/lines/offsets`);
  const body = (await res.json()) as { offsets: { offset: { position: number } }[] };
  return body.offsets[0]?.offset.position ?? 0;
}

describe('connect › crash › SIGKILL of a standalone worker', () => {
  it('loses nothing: every line reaches the topic and the sink file, in order, and offsets never run ahead', async () => {
    const input = path.join(dir, 'input.txt');
    await writeFile(input, Array.from({ length: LINES }, (_, i) => `${line(i)}\n`).join(''));
    const size = (await stat(input)).size;
    const logDir = path.join(dir, 'log');
    await writeFile(
      path.join(dir, 'worker.properties'),
      `log.dir=${logDir}\nrest.port=0\noffset.flush.interval.ms=20\nvalue.converter=string\nkey.converter=string\n`,
    );
    await writeFile(
      path.join(dir, 'source.properties'),
      `name=lines\nconnector.class=org.apache.kafka.connect.file.FileStreamSourceConnector\nfile=${input}\ntopic=lines\nbatch.size=200\n`,
    );
    const output = path.join(dir, 'output.txt');
    await writeFile(
      path.join(dir, 'sink.yaml'),
      `name: copy\nconnector.class: FileStreamSink\ntopics: lines\nfile: ${output}\n`,
    );

    // First run: killed once the source has committed part of the file, long before the end.
    const first = await startWorker();
    await eventually(async () => (await sourcePosition(first.url)) > 0, 20_000, 'a committed source offset');
    first.proc.child.kill('SIGKILL');
    expect((await first.proc.done).signal).toBe('SIGKILL');

    // Committed offsets never run ahead of durable data: every line before the committed position is in the topic.
    const h = await Harness.create();
    try {
      h.client = await connect({ log: { dir: logDir } });
      const store = await OffsetStore.open(h.client, 'connect-offsets', 25);
      const committed = (store.get('lines', { filename: input })?.position as number | undefined) ?? 0;
      await store.close();
      const durable = (await h.readTopic('lines')).map((r) => r.value);
      const committedLines = committed / (line(0).length + 1);
      expect(committedLines).toBeGreaterThan(0);
      expect(committedLines).toBeLessThan(LINES);
      for (let i = 0; i < committedLines; i++) expect(durable[i]).toBe(line(i));
      await h.client.close();
      h.client = undefined;
    } finally {
      await h.dispose();
    }

    // Second run: resumes, reaches the end, stops gracefully.
    const second = await startWorker();
    await eventually(
      async () => (await sourcePosition(second.url)) === size,
      60_000,
      'the source to reach the end',
    );
    await eventually(
      async () => (await stat(output).catch(() => ({ size: 0 }))).size >= size,
      60_000,
      'the sink to catch up',
    );
    second.proc.child.kill('SIGTERM');
    expect((await second.proc.done).code).toBe(0);

    const check = (values: string[]) => {
      // At least once, in order: the first occurrences of the lines come in input order, and none is missing.
      const seen = new Set<string>();
      const firsts: string[] = [];
      for (const v of values) {
        expect(v).toMatch(/^line-\d{8}$/);
        if (!seen.has(v)) {
          seen.add(v);
          firsts.push(v);
        }
      }
      expect(firsts.length).toBe(LINES);
      expect(firsts).toEqual(Array.from({ length: LINES }, (_, i) => line(i)));
    };
    const h2 = await Harness.create();
    try {
      h2.client = await connect({ log: { dir: logDir } });
      check((await h2.readTopic('lines')).map((r) => r.value ?? ''));
    } finally {
      await h2.dispose();
    }
    check((await readFile(output, 'utf8')).replace(/\n$/, '').split('\n'));
  }, 120_000);
});
