import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csvFileName, csvSink } from '../../../connectors/csv/index.js';
import { parseConfig } from '../../../src/config/index.js';
import type { SinkRecord, SinkTaskContext } from '../../../src/connect/index.js';
import { quietLogger } from './task-harness.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-csv-sink-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const context: SinkTaskContext = {
  connectorName: 'csv-sink-test',
  taskId: 0,
  logger: quietLogger,
  signal: new AbortController().signal,
  assignment: () => [],
  seek: () => {},
  pause: () => {},
  resume: () => {},
  requestCommit: () => {},
};

function rec(offset: number, value: unknown, partition = 0): SinkRecord {
  return { topic: 'out', kafkaPartition: partition, kafkaOffset: offset, key: null, value };
}

async function started(extra: Record<string, unknown> = {}) {
  const task = csvSink.createTask();
  await task.start(parseConfig(csvSink.config, { 'output.path': dir, ...extra }, 'csv-sink'), context);
  return task;
}

describe('connectors › csv › sink', () => {
  it('writes a header and RFC 4180 quoting, visible only once the file is complete', async () => {
    const task = await started();
    await task.put([
      rec(0, { id: 1, text: 'plain', at: new Date('2026-01-01T00:00:00Z') }),
      rec(1, { id: 2, text: 'with, comma and "quotes"\nand a newline', at: null }),
    ]);
    expect((await readdir(dir)).filter((f) => f.endsWith('.csv'))).toEqual([]);
    await task.flush([{ topic: 'out', partition: 0, offset: 2 }]);
    const name = csvFileName('out', 0, 0);
    expect(await readdir(dir)).toEqual([name]);
    const text = await readFile(join(dir, name), 'utf8');
    expect(parse(text, { columns: true })).toEqual([
      { id: '1', text: 'plain', at: '2026-01-01T00:00:00.000Z' },
      { id: '2', text: 'with, comma and "quotes"\nand a newline', at: '' },
    ]);
    await task.stop();
  });

  it('writes date and timestamp columns of value.schema as dates again, also from epoch milliseconds', async () => {
    const task = await started({
      'value.schema': { id: 'long', ts: 'timestamp', day: 'date', local: 'timestamp(yyyy-MM-dd HH:mm:ss)' },
    });
    const ts = Date.parse('2026-01-01T09:30:00.250Z');
    const local = new Date(2026, 0, 2, 3, 4, 5).getTime();
    await task.put([
      // As the JSON converter delivers Connect's Timestamp (epoch ms) and Date (days since the epoch); the columns
      // are written in schema order.
      rec(0, { day: Date.parse('2026-01-01T00:00:00Z') / 86_400_000, ts, id: 1, local }),
      rec(1, { id: 2, ts: new Date(ts), day: null, local: null }),
    ]);
    await task.flush([{ topic: 'out', partition: 0, offset: 2 }]);
    const text = await readFile(join(dir, csvFileName('out', 0, 0)), 'utf8');
    expect(text).toBe(
      'id,ts,day,local\n1,2026-01-01T09:30:00.250Z,2026-01-01,2026-01-02 03:04:05\n2,2026-01-01T09:30:00.250Z,,\n',
    );
    await task.stop();
  });

  it('preCommit lets records flow into the next file and returns only offsets whose files are in place', async () => {
    const task = await started();
    await task.put([rec(0, { id: 1 }), rec(1, { id: 2 })]);
    const first = [{ topic: 'out', partition: 0, offset: 2 }];
    let durable = await task.preCommit!(first);
    // Put goes on while the first file completes; it starts a file of its own at the commit point.
    await task.put([rec(2, { id: 3 })]);
    const second = [{ topic: 'out', partition: 0, offset: 3 }];
    for (let i = 0; i < 100 && durable.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      durable = await task.preCommit!(second);
    }
    // Whatever it returns is covered by files renamed into place.
    const covered = durable[0]!.offset;
    const files = (await readdir(dir)).filter((f) => f.endsWith('.csv'));
    const rows = (
      await Promise.all(
        files.map(async (f) => parse(await readFile(join(dir, f), 'utf8'), { columns: true })),
      )
    ).flat();
    expect(rows.length).toBeGreaterThanOrEqual(covered);
    expect(files[0]).toBe(csvFileName('out', 0, 0));
    await task.flush(second);
    expect(await readdir(dir)).toEqual([csvFileName('out', 0, 0), csvFileName('out', 0, 2)]);
    await task.stop();
  });

  it('rolls by row count, one file sequence per partition, named by first offset', async () => {
    const task = await started({ 'rotate.rows': 2 });
    await task.put([rec(10, { a: 1 }), rec(11, { a: 2 }), rec(12, { a: 3 }), rec(5, { a: 9 }, 1)]);
    await task.flush([]);
    expect((await readdir(dir)).sort()).toEqual(
      [csvFileName('out', 0, 10), csvFileName('out', 0, 12), csvFileName('out', 1, 5)].sort(),
    );
    await task.stop();
  });

  it('drops the temporary file of a crashed run, so redelivered records are written once', async () => {
    const first = await started();
    await first.put([rec(0, { a: 1 })]);
    // crash: no flush, no stop
    const second = await started();
    await second.put([rec(0, { a: 1 }), rec(1, { a: 2 })]);
    await second.flush([]);
    expect(await readdir(dir)).toEqual([csvFileName('out', 0, 0)]);
    expect(await readFile(join(dir, csvFileName('out', 0, 0)), 'utf8')).toBe('a\n1\n2\n');
    await second.stop();
    await first.stop();
  });
});
