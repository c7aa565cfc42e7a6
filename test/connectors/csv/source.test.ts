import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CsvSourceTaskConfig } from '../../../connectors/csv/config.js';
import { csvSource } from '../../../connectors/csv/index.js';
import { parseConfig } from '../../../src/config/index.js';
import {
  DataError,
  EndOfInputError,
  type SourceRecord,
  type SourceTask,
} from '../../../src/connect/index.js';
import { MemoryOffsets, sourceContext } from './task-harness.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-csv-src-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** How the describe block running parses files: in the task's thread, or on a thread that also types the rows. */
let parsing: Record<string, unknown> = {};

function taskConfig(extra: Record<string, unknown> = {}, taskId = 0, taskCount = 1) {
  const config = parseConfig(
    csvSource.config,
    { topic: 'orders', 'input.path': dir, 'input.finite': true, ...parsing, ...extra },
    'csv',
  );
  return csvSource.taskConfigs(config, taskCount)[taskId];
}

/** Polls until end of input, committing the offsets of each batch as the runtime would once it is durable. */
async function drain(
  task: SourceTask<CsvSourceTaskConfig>,
  offsets: MemoryOffsets,
  limit = Infinity,
): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for (;;) {
    let batch: SourceRecord[];
    try {
      batch = await task.poll();
    } catch (err) {
      if (err instanceof EndOfInputError) return out;
      throw err;
    }
    for (const r of batch) {
      if (out.length >= limit) return out;
      out.push(r);
      offsets.commit([r]);
    }
    await task.commit?.();
  }
}

const header = (r: SourceRecord, key: string) => r.headers?.find((h) => h.key === key)?.value;

/** Every test runs with both ways of parsing: their records must be the same. */
describe.each([
  ['in the task thread', { 'csv.parse.thread': 'never' }],
  ['on a parsing thread', { 'csv.parse.thread': 'always', 'csv.parse.thread.min.bytes': 0 }],
])('connectors › csv › source, parsing %s', (_, mode) => {
  beforeAll(() => {
    parsing = mode;
  });

  it('reads typed rows with file and line headers, keyed by key.fields, and moves finished files', async () => {
    await writeFile(
      join(dir, 'a.csv'),
      'id,ts,amount,ok,note\n1,2026-01-02T03:04:05Z,12.50,true,x\n2,2026-01-02T03:04:06Z,7,false,\n',
    );
    const task = csvSource.createTask();
    const offsets = new MemoryOffsets();
    await task.start(taskConfig({ 'key.fields': 'id' }), sourceContext(offsets));
    const records = await drain(task, offsets);
    await task.stop();
    expect(records.map((r) => r.value)).toEqual([
      { id: 1, ts: new Date('2026-01-02T03:04:05Z'), amount: 12.5, ok: true, note: 'x' },
      { id: 2, ts: new Date('2026-01-02T03:04:06Z'), amount: 7, ok: false, note: null },
    ]);
    expect(records.map((r) => r.key)).toEqual([1, 2]);
    expect(records.map((r) => header(r, 'sluice.csv.line'))).toEqual([2, 3]);
    expect(header(records[0], 'sluice.csv.file')).toBe('a.csv');
    expect(
      records[0].valueSchema?.fields?.map((f) => `${f.name}:${f.schema.type}${f.schema.optional ? '?' : ''}`),
    ).toEqual(['id:int64', 'ts:int64', 'amount:float64', 'ok:boolean', 'note:string?']);
    expect(await readdir(dir)).toEqual(expect.arrayContaining(['.finished', '.processing']));
    expect(existsSync(join(dir, '.finished', 'a.csv'))).toBe(true);
  });

  it('uses a declared schema: decimals stay exact strings, formatted timestamps, nullable columns', async () => {
    await writeFile(
      join(dir, 'b.csv'),
      'id,price,at\n1,12345678901234567890.123,01/02/2026 10:00\n2,1.10,\n',
    );
    const task = csvSource.createTask();
    const offsets = new MemoryOffsets();
    await task.start(
      taskConfig({ 'value.schema': { id: 'int', price: 'decimal', at: 'timestamp(dd/MM/yyyy HH:mm)?' } }),
      sourceContext(offsets),
    );
    const records = await drain(task, offsets);
    await task.stop();
    expect(records.map((r) => r.value)).toEqual([
      { id: 1, price: '12345678901234567890.123', at: new Date(2026, 1, 1, 10, 0) },
      { id: 2, price: '1.10', at: null },
    ]);
  });

  it('sends a row that does not fit to the dead-letter topic with file, line and reason, and goes on', async () => {
    await writeFile(join(dir, 'c.csv'), 'id,qty\n1,2\n2,many\n3\n4,5\n');
    const task = csvSource.createTask();
    const offsets = new MemoryOffsets();
    await task.start(
      taskConfig({ 'value.schema': { id: 'long', qty: 'int' }, 'errors.tolerance': 'all' }),
      sourceContext(offsets),
    );
    const records = await drain(task, offsets);
    await task.stop();
    expect(
      records.map((r) => [
        r.topic,
        header(r, 'sluice.csv.file'),
        header(r, 'sluice.csv.line'),
        header(r, 'sluice.csv.error') ?? null,
        r.topic === 'orders-dlq' ? r.value : null,
      ]),
    ).toEqual([
      ['orders', 'c.csv', 2, null, null],
      ['orders-dlq', 'c.csv', 3, 'column "qty": "many" is not an int (32-bit)', '2,many'],
      ['orders-dlq', 'c.csv', 4, 'expected 2 columns, found 1', '3'],
      ['orders', 'c.csv', 5, null, null],
    ]);
  });

  it('stops the task on a bad row when errors.tolerance is none, naming file and line', async () => {
    await writeFile(join(dir, 'd.csv'), 'id\n1\nx\n');
    const task = csvSource.createTask();
    const offsets = new MemoryOffsets();
    await task.start(
      taskConfig({ 'value.schema': { id: 'long' }, 'errors.tolerance': 'none' }),
      sourceContext(offsets),
    );
    const failure = await drain(task, offsets).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(DataError);
    expect((failure as Error).message).toMatch(/d\.csv line 3: column "id": "x" is not a long/);
    await task.stop();
  });

  it('resumes mid-file after a crash at the row after the last committed one', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => `${i},"v ${i}"`);
    await writeFile(join(dir, 'big.csv'), `id,v\n${rows.join('\n')}\n`);
    const offsets = new MemoryOffsets();
    const first = csvSource.createTask();
    await first.start(taskConfig({ 'batch.size': 300 }), sourceContext(offsets));
    const before = await drain(first, offsets, 1234); // the worker dies here, without stop()
    const second = csvSource.createTask();
    await second.start(taskConfig({ 'batch.size': 300 }), sourceContext(offsets));
    const after = await drain(second, offsets);
    await second.stop();
    await first.stop();
    const ids = [...before, ...after].map((r) => (r.value as { id: number }).id);
    expect(ids).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    expect(existsSync(join(dir, '.finished', 'big.csv'))).toBe(true);
  });

  it('does not clean a file up before the offset of its last row is committed, and asks for that commit', async () => {
    await writeFile(join(dir, 'e.csv'), 'id\n1\n2\n');
    const task = csvSource.createTask();
    const offsets = new MemoryOffsets();
    const context = sourceContext(offsets);
    await task.start(taskConfig(), context);
    const batch = await task.poll();
    expect(batch).toHaveLength(2);
    expect(context.commitRequests).toBe(1);
    const claimed = join(dir, '.processing', '0', 'e.csv');
    await task.commit?.();
    expect(existsSync(claimed)).toBe(true);
    offsets.commit([batch[0]]);
    await task.commit?.();
    expect(existsSync(claimed)).toBe(true);
    offsets.commit([batch[1]]);
    await task.commit?.();
    expect(existsSync(claimed)).toBe(false);
    expect(existsSync(join(dir, '.finished', 'e.csv'))).toBe(true);
    await task.stop();
  });

  it('hands long rows out about a megabyte per poll, not batch.size rows at once', async () => {
    const note = 'n'.repeat(100 * 1024);
    const rows = Array.from({ length: 40 }, (_, i) => `${i},"${note}, ${i}"`);
    await writeFile(join(dir, 'long.csv'), `id,note\n${rows.join('\n')}\n`);
    const task = csvSource.createTask();
    const offsets = new MemoryOffsets();
    await task.start(taskConfig({ 'batch.size': 1000 }), sourceContext(offsets));
    const sizes: number[] = [];
    const ids: unknown[] = [];
    for (;;) {
      const batch = await task.poll().catch((err) => {
        if (err instanceof EndOfInputError) return null;
        throw err;
      });
      if (batch === null) break;
      if (batch.length > 0) sizes.push(batch.length);
      for (const r of batch) {
        ids.push((r.value as { id: number }).id);
        offsets.commit([r]);
      }
      await task.commit?.();
    }
    await task.stop();
    expect(ids).toEqual(Array.from({ length: 40 }, (_, i) => i));
    // 1 MiB holds ten of these rows; a poll stops at the first row past it.
    expect(Math.max(...sizes)).toBeLessThanOrEqual(11);
  });

  // Thirty files start thirty parsing threads in thread mode, each loading its entry: minutes at a load of 10.
  it('never lets two tasks claim the same file', { timeout: 180_000 }, async () => {
    for (let i = 0; i < 30; i++)
      await writeFile(join(dir, `f${String(i).padStart(2, '0')}.csv`), `id,file\n${i},${i}\n`);
    const offsets = new MemoryOffsets();
    const tasks = [csvSource.createTask(), csvSource.createTask()];
    await Promise.all(tasks.map((t, i) => t.start(taskConfig({}, i, 2), sourceContext(offsets, i))));
    const results = await Promise.all(tasks.map((t) => drain(t, offsets)));
    await Promise.all(tasks.map((t) => t.stop()));
    const files = results.flat().map((r) => header(r, 'sluice.csv.file'));
    expect(files).toHaveLength(30);
    expect(new Set(files).size).toBe(30);
  });

  it('reports bytes read against the total of the folder, row batch by row batch', async () => {
    const rows = (n: number) => `id\n${Array.from({ length: n }, (_, i) => i).join('\n')}\n`;
    await writeFile(join(dir, 'a.csv'), rows(200));
    await writeFile(join(dir, 'b.csv'), rows(100));
    const total = rows(200).length + rows(100).length;
    const offsets = new MemoryOffsets();
    const task = csvSource.createTask();
    await task.start(taskConfig({ 'batch.size': 50 }), sourceContext(offsets));
    expect(task.inputProgress?.()).toEqual({ bytesRead: 0, bytesTotal: 0 });
    const seen: number[] = [];
    for (;;) {
      let batch: SourceRecord[];
      try {
        batch = await task.poll();
      } catch (err) {
        if (err instanceof EndOfInputError) break;
        throw err;
      }
      offsets.commit(batch);
      await task.commit?.();
      const p = task.inputProgress!();
      // Known from the first batch on: the file being read and the one waiting.
      expect(p.bytesTotal).toBe(total);
      seen.push(p.bytesRead);
    }
    await task.stop();
    expect(seen.length).toBeGreaterThan(4);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(seen.at(-1)).toBe(total);
    expect(task.inputProgress?.()).toEqual({ bytesRead: total, bytesTotal: total });
  });

  it('reports no total for a folder it keeps watching, and tasks sharing a folder add up to it', async () => {
    const watched = join(dir, 'watched');
    await mkdir(watched);
    await writeFile(join(watched, 'a.csv'), 'id\n1\n');
    const watching = csvSource.createTask();
    await watching.start(
      taskConfig({ 'input.finite': false, 'input.path': watched }),
      sourceContext(new MemoryOffsets()),
    );
    expect((await watching.poll()).length).toBe(1);
    expect(watching.inputProgress?.()).toEqual({ bytesRead: 'id\n1\n'.length });
    await watching.stop();
    for (let i = 0; i < 6; i++) await writeFile(join(dir, `f${i}.csv`), `id\n${'9'.repeat(i * 10)}\n`);
    const files = await readdir(dir);
    const offsets = new MemoryOffsets();
    const tasks = [csvSource.createTask(), csvSource.createTask()];
    await Promise.all(tasks.map((t, i) => t.start(taskConfig({}, i, 2), sourceContext(offsets, i))));
    await Promise.all(tasks.map((t) => drain(t, offsets)));
    await Promise.all(tasks.map((t) => t.stop()));
    const sizes = files.filter((f) => f.startsWith('f')).map((f) => Number(f[1]) * 10 + 4);
    const sum = (key: 'bytesRead' | 'bytesTotal') => tasks.reduce((n, t) => n + t.inputProgress!()[key]!, 0);
    expect(sum('bytesRead')).toBe(sizes.reduce((a, b) => a + b));
    expect(sum('bytesTotal')).toBe(sum('bytesRead'));
  });

  it('moves a file it cannot read to error.path with a note saying why', async () => {
    await writeFile(join(dir, 'dup.csv'), 'id,id\n1,2\n');
    await mkdir(join(dir, 'sub'));
    const task = csvSource.createTask();
    const offsets = new MemoryOffsets();
    await task.start(taskConfig(), sourceContext(offsets));
    expect(await drain(task, offsets)).toEqual([]);
    await task.stop();
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(join(dir, '.error', 'dup.csv.error'), 'utf8')).toMatch(
      /dup\.csv: header row names column "id" twice/,
    );
  });

  it('with input.claim=offsets reads files in place and skips them once their offsets reach the end', async () => {
    await writeFile(join(dir, 'keep.csv'), 'id\n1\n2\n');
    const offsets = new MemoryOffsets();
    const extra = { 'input.claim': 'offsets', 'cleanup.policy': 'none' };
    const first = csvSource.createTask();
    await first.start(taskConfig(extra), sourceContext(offsets));
    expect((await drain(first, offsets)).map((r) => r.value)).toEqual([{ id: 1 }, { id: 2 }]);
    await first.stop();
    expect((await readdir(dir)).sort()).toEqual(['keep.csv']);
    const again = csvSource.createTask();
    await again.start(taskConfig(extra), sourceContext(offsets));
    expect(await drain(again, offsets)).toEqual([]);
    await again.stop();
  });

  it('refuses input.claim=offsets with a cleanup policy that would move or delete files', () => {
    const config = parseConfig(
      csvSource.config,
      { topic: 't', 'input.path': dir, 'input.claim': 'offsets' },
      'csv',
    );
    expect(() => csvSource.validate?.(config)).toThrow(
      /input\.claim=offsets leaves files where they are: set cleanup\.policy=none/,
    );
  });
});
