import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSinkTask, fileSinkConfig } from '../../../connectors/file/index.js';
import { parseConfig } from '../../../src/config/index.js';
import { Schemas, type SinkRecord, struct } from '../../../src/connect/index.js';
import { sinkContext } from './contexts.js';

let dir: string;
let task: FileSinkTask;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-file-sink-'));
  task = new FileSinkTask();
});

afterEach(async () => {
  await task.stop();
  await rm(dir, { recursive: true, force: true });
});

const record = (
  value: unknown,
  offset: number,
  valueSchema: SinkRecord['valueSchema'] = null,
): SinkRecord => ({
  topic: 't',
  kafkaPartition: 0,
  kafkaOffset: offset,
  key: null,
  value,
  valueSchema,
});

describe('connectors › file › sink', () => {
  it('writes one line per record on flush, values as text', async () => {
    const file = path.join(dir, 'out.txt');
    await task.start(parseConfig(fileSinkConfig, { file }, 'test'), sinkContext());
    await task.put([record('a', 0), record({ n: 1 }, 1), record(null, 2), record(42, 3)]);
    await task.flush([{ topic: 't', partition: 0, offset: 4 }]);
    expect(await readFile(file, 'utf8')).toBe('a\n{"n":1}\n\n42\n');
  });

  it("writes values as JSON with format=json, as Kafka's JsonConverter spells them", async () => {
    const file = path.join(dir, 'out.json');
    await task.start(parseConfig(fileSinkConfig, { file, format: 'json' }, 'test'), sinkContext());
    const schema = struct([
      ['id', Schemas.INT32],
      ['price', Schemas.FLOAT64],
    ]);
    await task.put([record('text', 0), record({ id: 1, price: 2 }, 1, schema)]);
    await task.flush([]);
    expect(await readFile(file, 'utf8')).toBe('"text"\n{"id":1,"price":2.0}\n');
  });

  it('appends to an existing file, cutting a torn last line left by a crash', async () => {
    const file = path.join(dir, 'out.txt');
    await writeFile(file, 'kept-1\nkept-2\ntorn-li');
    await task.start(parseConfig(fileSinkConfig, { file }, 'test'), sinkContext());
    await task.put([record('again', 5)]);
    await task.flush([]);
    expect(await readFile(file, 'utf8')).toBe('kept-1\nkept-2\nagain\n');
  });

  it('leaves small batches buffered until flush', async () => {
    const file = path.join(dir, 'out.txt');
    await task.start(parseConfig(fileSinkConfig, { file }, 'test'), sinkContext());
    await task.put([record('x', 0)]);
    expect(await readFile(file, 'utf8')).toBe('');
    await task.flush([]);
    expect(await readFile(file, 'utf8')).toBe('x\n');
  });

  it('writes large batches before flush, in order', async () => {
    const file = path.join(dir, 'out.txt');
    await task.start(parseConfig(fileSinkConfig, { file }, 'test'), sinkContext());
    const line = 'y'.repeat(99);
    const records = Array.from({ length: 20_000 }, (_, i) => record(`${line}${i % 10}`, i));
    await task.put(records);
    await task.flush([]);
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines).toHaveLength(20_001);
    expect(lines[19_999]).toBe(`${line}9`);
  });
});
