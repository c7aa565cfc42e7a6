import { appendFile, mkdir, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSourceTask, fileSourceConfig } from '../../../connectors/file/index.js';
import { parseConfig } from '../../../src/config/index.js';
import { EndOfInputError, type SourceMap, type SourceRecord } from '../../../src/connect/index.js';
import { sourceContext } from './contexts.js';

let dir: string;
let task: FileSourceTask;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-file-source-'));
  task = new FileSourceTask();
});

afterEach(async () => {
  await task.stop();
  await rm(dir, { recursive: true, force: true });
});

const config = (extra: Record<string, unknown>) =>
  parseConfig(fileSourceConfig, { topic: 'lines', 'poll.interval.ms': 50, ...extra }, 'test');

/** Polls until `n` records arrived (or 5 s passed). */
async function pollN(t: FileSourceTask, n: number): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  const deadline = Date.now() + 5000;
  while (out.length < n && Date.now() < deadline) out.push(...(await t.poll()));
  return out;
}

describe('connectors › file › source', () => {
  it('delivers complete lines with the byte position after each as the offset', async () => {
    const file = path.join(dir, 'a.log');
    await writeFile(file, 'one\r\ntwo\nthree\npart');
    await task.start(config({ file }), sourceContext());
    const records = await task.poll();
    expect(records.map((r) => r.value)).toEqual(['one', 'two', 'three']);
    expect(records.map((r) => r.sourceOffset.position)).toEqual([5, 9, 15]);
    expect(records[0]?.sourcePartition).toEqual({ filename: file });
    expect(records[0]?.topic).toBe('lines');
  });

  it('returns at most batch.size lines per poll', async () => {
    const file = path.join(dir, 'a.log');
    await writeFile(file, Array.from({ length: 10 }, (_, i) => `l${i}\n`).join(''));
    await task.start(config({ file, 'batch.size': 4 }), sourceContext());
    expect((await task.poll()).map((r) => r.value)).toEqual(['l0', 'l1', 'l2', 'l3']);
    expect((await task.poll()).map((r) => r.value)).toEqual(['l4', 'l5', 'l6', 'l7']);
    expect((await task.poll()).map((r) => r.value)).toEqual(['l8', 'l9']);
  });

  it('resumes exactly after the committed offset', async () => {
    const file = path.join(dir, 'a.log');
    await writeFile(file, 'one\ntwo\nthree\n');
    const first = new FileSourceTask();
    await first.start(config({ file }), sourceContext());
    const records = await first.poll();
    await first.stop();
    const offsets = new Map<string, SourceMap>([
      [JSON.stringify({ filename: file }), records[0]!.sourceOffset],
    ]);
    await task.start(config({ file }), sourceContext(offsets));
    expect((await task.poll()).map((r) => r.value)).toEqual(['two', 'three']);
  });

  it('tails appended lines, delivering a line only once its newline is written', async () => {
    const file = path.join(dir, 'a.log');
    await writeFile(file, 'one\n');
    await task.start(config({ file }), sourceContext());
    expect((await task.poll()).map((r) => r.value)).toEqual(['one']);
    await appendFile(file, 'tw');
    expect(await task.poll()).toEqual([]);
    await appendFile(file, 'o\nthree\n');
    expect((await pollN(task, 2)).map((r) => r.value)).toEqual(['two', 'three']);
  });

  it('reads a truncated file again from the start', async () => {
    const file = path.join(dir, 'a.log');
    await writeFile(file, 'aaaa\nbbbb\n');
    await task.start(config({ file }), sourceContext());
    expect(await pollN(task, 2)).toHaveLength(2);
    await truncate(file, 0);
    await appendFile(file, 'c\n');
    const after = await pollN(task, 1);
    expect(after.map((r) => [r.value, r.sourceOffset.position])).toEqual([['c', 2]]);
  });

  it('follows rotation: finishes the renamed file, then reads the new one from 0', async () => {
    const file = path.join(dir, 'a.log');
    await writeFile(file, 'one\n');
    await task.start(config({ file }), sourceContext());
    expect(await pollN(task, 1)).toHaveLength(1);
    await appendFile(file, 'two\nlast-no-newline');
    await rename(file, `${file}.1`);
    await writeFile(file, 'new\n');
    const records = await pollN(task, 3);
    expect(records.map((r) => r.value)).toEqual(['two', 'last-no-newline', 'new']);
    expect(records[2]?.sourceOffset.position).toBe(4);
    expect(records[2]?.sourceOffset.inode).not.toBe(records[0]?.sourceOffset.inode);
  });

  it('starts from 0 when the file was replaced while the task was stopped', async () => {
    const file = path.join(dir, 'a.log');
    await writeFile(file, 'old-one\nold-two\n');
    const first = new FileSourceTask();
    await first.start(config({ file }), sourceContext());
    const offset = (await first.poll())[1]!.sourceOffset;
    await first.stop();
    await rm(file);
    await writeFile(file, 'fresh-line-that-is-long\n');
    const offsets = new Map<string, SourceMap>([[JSON.stringify({ filename: file }), offset]]);
    await task.start(config({ file }), sourceContext(offsets));
    expect((await task.poll()).map((r) => r.value)).toEqual(['fresh-line-that-is-long']);
  });

  it('reads every file of a glob as its own source partition, including files created later', async () => {
    await mkdir(path.join(dir, 'logs'));
    await writeFile(path.join(dir, 'logs', 'a.log'), 'a1\n');
    await writeFile(path.join(dir, 'logs', 'b.log'), 'b1\n');
    await writeFile(path.join(dir, 'logs', 'skip.txt'), 'x\n');
    await task.start(config({ file: path.join(dir, 'logs', '*.log') }), sourceContext());
    const first = await pollN(task, 2);
    expect(first.map((r) => r.value).sort()).toEqual(['a1', 'b1']);
    expect(new Set(first.map((r) => r.sourcePartition.filename)).size).toBe(2);
    await writeFile(path.join(dir, 'logs', 'c.log'), 'c1\n');
    expect((await pollN(task, 1)).map((r) => r.value)).toEqual(['c1']);
  });

  it('ends a bounded read with the last line and EndOfInputError when tail=false', async () => {
    const file = path.join(dir, 'a.log');
    await writeFile(file, 'one\ntwo');
    await task.start(config({ file, tail: false }), sourceContext());
    expect((await task.poll()).map((r) => r.value)).toEqual(['one']);
    expect((await task.poll()).map((r) => [r.value, r.sourceOffset.position])).toEqual([['two', 7]]);
    await expect(task.poll()).rejects.toThrowError(EndOfInputError);
  });

  it('reports bytes read, against the size of its files when tail=false only', async () => {
    const a = path.join(dir, 'a.log');
    const b = path.join(dir, 'b.log');
    await writeFile(a, 'one\ntwo\n');
    await writeFile(b, 'three\nfour');
    await task.start(
      config({ file: path.join(dir, '*.log'), tail: false, 'batch.size': 1 }),
      sourceContext(),
    );
    expect(task.inputProgress()).toEqual({ bytesRead: 0, bytesTotal: 18 });
    await task.poll();
    expect(task.inputProgress().bytesRead).toBeGreaterThan(0);
    for (;;) if ((await task.poll().catch((err) => err)) instanceof EndOfInputError) break;
    expect(task.inputProgress()).toEqual({ bytesRead: 18, bytesTotal: 18 });

    const tailing = new FileSourceTask();
    await tailing.start(config({ file: a }), sourceContext());
    await pollN(tailing, 2);
    expect(tailing.inputProgress()).toEqual({ bytesRead: 8 });
    await tailing.stop();
  });

  it('reads lines longer than its buffer', async () => {
    const file = path.join(dir, 'a.log');
    const long = 'x'.repeat(700_000);
    await writeFile(file, `${long}\nshort\n`);
    await task.start(config({ file }), sourceContext());
    const records = await pollN(task, 2);
    expect(records.map((r) => (r.value as string).length)).toEqual([700_000, 5]);
  });

  it('returns promptly from an idle poll when the task is stopped', async () => {
    const file = path.join(dir, 'a.log');
    await writeFile(file, '');
    const controller = new AbortController();
    await task.start(config({ file, 'poll.interval.ms': 10_000 }), sourceContext(new Map(), controller));
    const started = Date.now();
    const polling = task.poll();
    setTimeout(() => controller.abort(), 50);
    expect(await polling).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('rejects a config with a typo, suggesting the key', () => {
    expect(() =>
      parseConfig(fileSourceConfig, { file: 'x', topic: 't', 'batch.sise': 3 }, 'connector "f"'),
    ).toThrowError(/did you mean "batch.size"/);
  });
});
