import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect } from '../../../src/client/index.js';
import { OffsetStore } from '../../../src/connect/runtime/index.js';
import type { SpawnedCli } from '../../cli/spawn-cli.js';
import { eventually, Harness } from '../../connect/conformance/harness.js';
import { spawnStandaloneWorker } from '../../connect/crash/standalone-worker.js';

const FILES = 4;
const ROWS = 2500;
const fileName = (f: number) => `part-${f}.csv`;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

let dir: string;
let child: SpawnedCli | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-csv-kill-'));
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
    path.join(dir, 'csv.properties'),
  ]);
  child = worker.proc;
  return { proc: worker.proc, url: await worker.url };
}

/** The committed row of each file, from the worker's REST API. */
async function committedRows(url: string): Promise<Map<string, number>> {
  const res = await fetch(`${url}/connectors/csv/offsets`);
  const body = (await res.json()) as { offsets: { partition: { file: string }; offset: { row: number } }[] };
  return new Map(body.offsets.map((o) => [o.partition.file, o.offset.row]));
}

/** Every file under `root`, relative, so that a stray lock, claim or temp file would show. */
async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(path.relative(root, path.join(entry.parentPath, entry.name)));
  }
  return out.sort();
}

/** The rows in the topic, as [file, seq] in topic order. */
async function topicRows(logDir: string): Promise<{ file: string; seq: number }[]> {
  const h = await Harness.create();
  try {
    h.client = await connect({ log: { dir: logDir } });
    return (await h.readTopic('rows')).map(
      (r) => JSON.parse(r.value ?? 'null') as { file: string; seq: number },
    );
  } finally {
    await h.dispose();
  }
}

describe('connectors › csv › crash › SIGKILL of a standalone worker mid-file', () => {
  it('resumes each file after its last committed row: every row once, in order, no claim left or taken twice', async () => {
    const input = path.join(dir, 'in');
    await mkdir(input);
    for (let f = 0; f < FILES; f++) {
      const rows = range(1, ROWS).map((seq) => `${seq},${fileName(f)},"payload ${seq}, of ${f}"`);
      await writeFile(path.join(input, fileName(f)), `seq,file,payload\n${rows.join('\n')}\n`);
    }
    const logDir = path.join(dir, 'log');
    await writeFile(
      path.join(dir, 'worker.properties'),
      `log.dir=${logDir}\nrest.port=0\noffset.flush.interval.ms=20\nvalue.converter=string\nkey.converter=string\n`,
    );
    // Two tasks race to claim the files of one folder, each parsing on a thread of its own, as big files are.
    await writeFile(
      path.join(dir, 'csv.properties'),
      `name=csv\nconnector.class=csv\ntopic=rows\ninput.path=${input}\ntasks.max=2\nbatch.size=100\nempty.poll.wait.ms=50\ncsv.parse.thread=always\ncsv.parse.thread.min.bytes=0\n`,
    );

    // First run: killed once some rows are committed and a file is part read.
    const first = await startWorker();
    await eventually(
      async () => {
        const rows = [...(await committedRows(first.url)).values()];
        return rows.reduce((a, b) => a + b, 0) >= ROWS && rows.some((r) => r > 0 && r < ROWS);
      },
      30_000,
      'a file committed part way',
    );
    first.proc.child.kill('SIGKILL');
    expect((await first.proc.done).signal).toBe('SIGKILL');

    // What the crash left: each file in exactly one place (waiting, claimed by one task, or finished).
    const left = await filesUnder(input);
    expect(left.map((f) => path.basename(f)).sort()).toEqual(
      range(0, FILES - 1)
        .map(fileName)
        .sort(),
    );
    for (const f of left)
      expect(f).toMatch(/^(part-\d\.csv|\.processing\/[01]\/part-\d\.csv|\.finished\/part-\d\.csv)$/);
    expect(left.some((f) => f.startsWith('.processing/'))).toBe(true);

    // Committed offsets never run ahead of the topic: every row up to a file's committed one is there.
    const committed = new Map<string, number>();
    const h = await Harness.create();
    try {
      h.client = await connect({ log: { dir: logDir } });
      const store = await OffsetStore.open(h.client, 'connect-offsets', 25);
      for (let f = 0; f < FILES; f++) {
        committed.set(fileName(f), Number(store.get('csv', { file: fileName(f) })?.row ?? 0));
      }
      await store.close();
    } finally {
      await h.dispose();
    }
    const durable = await topicRows(logDir);
    for (const [file, row] of committed) {
      expect(durable.filter((r) => r.file === file && r.seq <= row).map((r) => r.seq)).toEqual(range(1, row));
    }

    // Second run: resumes the claimed files, claims the rest, finishes every file; stops gracefully.
    const second = await startWorker();
    await eventually(
      async () => (await readdir(path.join(input, '.finished')).catch(() => [])).length === FILES,
      60_000,
      'every file finished',
    );
    second.proc.child.kill('SIGTERM');
    expect((await second.proc.done).code).toBe(0);

    // Nothing left behind: no claim, no lock, no temp file; each file finished once.
    expect(await filesUnder(input)).toEqual(range(0, FILES - 1).map((f) => `.finished/${fileName(f)}`));

    // Per file, in topic order: rows 1..a from the first run, then the second run from the committed row on.
    // Rows after the committed one and up to a are the only ones that may come twice.
    const all = await topicRows(logDir);
    for (let f = 0; f < FILES; f++) {
      const seqs = all.filter((r) => r.file === fileName(f)).map((r) => r.seq);
      const c = committed.get(fileName(f))!;
      const resumedAt = seqs.lastIndexOf(c + 1);
      const a = c === ROWS ? seqs.length : resumedAt === -1 ? 0 : resumedAt;
      expect(a).toBeGreaterThanOrEqual(c);
      expect(seqs).toEqual([...range(1, a), ...range(c + 1, ROWS)]);
    }
  }, 120_000);
});
