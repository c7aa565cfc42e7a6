import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FileSinkTask,
  FileSourceTask,
  fileSinkConfig,
  fileSourceConfig,
} from '../../../connectors/file/index.js';
import { parseConfig } from '../../../src/config/index.js';
import { StringConverter } from '../../../src/connect/converters/string-converter.js';
import { Schemas, type SinkRecord, type SourceRecord } from '../../../src/connect/index.js';
import { sinkContext, sourceContext } from './contexts.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-file-bytes-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const LINES = ['plain', 'ünïcödé 😀', '', 'with\ttab', 'x'.repeat(300)];

describe('connectors › file › text as bytes', () => {
  it('hands each line as its bytes when the runtime says values go to the string converter in UTF-8', async () => {
    const file = path.join(dir, 'in.txt');
    await writeFile(file, `${LINES.join('\n')}\nlast`);
    const task = new FileSourceTask();
    await task.start(
      parseConfig(fileSourceConfig, { topic: 't', file, tail: false, 'batch.size': 2 }, 'test'),
      { ...sourceContext(), textValuesAsBytes: true },
    );
    const records: SourceRecord[] = [];
    try {
      for (;;) records.push(...(await task.poll()));
    } catch {
      // End of input.
    } finally {
      await task.stop();
    }
    // Lines of earlier polls keep their bytes while later polls read on.
    expect(records.map((r) => Buffer.isBuffer(r.value))).toEqual(records.map(() => true));
    expect(records.map((r) => (r.value as Buffer).toString('utf8'))).toEqual([...LINES, 'last']);
    const converter = new StringConverter('utf8');
    for (const r of records) {
      const text = (r.value as Buffer).toString('utf8');
      expect(converter.fromConnectData('t', r.valueSchema, r.value)).toEqual(Buffer.from(text, 'utf8'));
    }
  });

  it('writes lines given as bytes and as strings alike', async () => {
    const file = path.join(dir, 'out.txt');
    const task = new FileSinkTask();
    await task.start(parseConfig(fileSinkConfig, { file }, 'test'), sinkContext());
    expect(task.takesTextBytes).toBe(true);
    const record = (value: unknown, i: number): SinkRecord => ({
      topic: 't',
      kafkaPartition: 0,
      kafkaOffset: i,
      key: null,
      value,
      valueSchema: Schemas.OPTIONAL_STRING,
    });
    await task.put(LINES.map((l, i) => record(i % 2 === 0 ? Buffer.from(l, 'utf8') : l, i)));
    await task.put([record(null, 9)]);
    await task.flush([]);
    await task.stop();
    expect(await readFile(file, 'utf8')).toBe(`${LINES.join('\n')}\n\n`);
  });
});
