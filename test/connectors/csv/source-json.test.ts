import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CsvSourceTaskConfig } from '../../../connectors/csv/config.js';
import { csvSource } from '../../../connectors/csv/index.js';
import { parseConfig } from '../../../src/config/index.js';
import {
  EndOfInputError,
  JsonBytes,
  JsonConverter,
  type SourceRecord,
  type SourceTask,
} from '../../../src/connect/index.js';
import { MemoryOffsets, sourceContext } from './task-harness.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-csv-json-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every record of the folder, read by a fresh task on its own copy of the file. */
async function readAll(
  file: string,
  extra: Record<string, unknown>,
  valueFormat: 'json' | undefined,
): Promise<SourceRecord[]> {
  const input = join(dir, `in-${Math.random().toString(36).slice(2)}`);
  await mkdir(input);
  await writeFile(join(input, 'rows.csv'), file);
  // The same last-modified header for every copy.
  await utimes(join(input, 'rows.csv'), 1_700_000_000, 1_700_000_000);
  const config = csvSource.taskConfigs(
    parseConfig(
      csvSource.config,
      { topic: 'rows', 'input.path': input, 'input.finite': true, 'errors.tolerance': 'all', ...extra },
      'csv',
    ),
    1,
  )[0] as CsvSourceTaskConfig;
  const task: SourceTask<CsvSourceTaskConfig> = csvSource.createTask();
  const offsets = new MemoryOffsets();
  await task.start(config, { ...sourceContext(offsets), ...(valueFormat ? { valueFormat } : {}) });
  const out: SourceRecord[] = [];
  try {
    for (;;) {
      const batch = await task.poll();
      out.push(...batch);
      offsets.commit(batch);
      await task.commit?.();
    }
  } catch (err) {
    if (!(err instanceof EndOfInputError)) throw err;
  } finally {
    await task.stop();
  }
  return out;
}

/** What the runtime writes to the topic for a record: its value through the JSON converter, and the rest. */
function written(r: SourceRecord, converter: JsonConverter) {
  return {
    topic: r.topic,
    key: r.key,
    value: converter.fromConnectData(r.topic, r.valueSchema, r.value)?.toString('utf8'),
    headers: r.headers?.map((h) => [h.key, h.value]),
    offset: r.sourceOffset,
  };
}

const FILE =
  'id,name,price,qty,ok,day,at,ratio,note\n' +
  '1,ann,12.50,3,true,2026-01-02,2026-01-02T03:04:05.678Z,0.25,"quoted, with ""quotes"""\n' +
  '2,é😀,7,,false,1969-12-31,2026-01-02T03:04:06Z,1e-7,\n' +
  '3,x\x1fy,-0.0,9007199254740991,yes,2026-02-28,1970-01-01T00:00:00Z,NaN,line\nbreak\n' +
  '4,bad,not a number,1,true,2026-01-01,2026-01-01T00:00:00Z,1,x\n' +
  '5,short\n' +
  `6,${'long '.repeat(80)},1.5,2,false,2026-03-01,2026-03-01T00:00:00Z,123456789.125,z\n`;
const SCHEMA = {
  id: 'long',
  name: 'string',
  price: 'double',
  qty: 'long?',
  ok: 'boolean',
  day: 'date',
  at: 'timestamp',
  ratio: 'float',
  note: 'string?',
};

describe('connectors › csv › source › values written as JSON on the parsing thread', () => {
  for (const [what, extra] of [
    ['declared types', { 'value.schema': SCHEMA }],
    ['inferred types', {}],
  ] as const) {
    it(`writes to the topic what the values would, with and without schemas (${what})`, async () => {
      const inline = await readAll(FILE, { ...extra, 'csv.parse.thread': 'never' }, undefined);
      const threaded = await readAll(
        FILE,
        { ...extra, 'csv.parse.thread': 'always', 'csv.parse.thread.min.bytes': 0 },
        'json',
      );
      // The rows that fit their fields come as the converter's bytes; the others go to the dead-letter topic.
      expect(threaded.filter((r) => r.value instanceof JsonBytes).length).toBeGreaterThanOrEqual(3);
      expect(inline.some((r) => r.value instanceof JsonBytes)).toBe(false);
      for (const schemas of [true, false]) {
        const converter = new JsonConverter(schemas);
        expect(threaded.map((r) => written(r, converter))).toEqual(inline.map((r) => written(r, converter)));
      }
    });
  }

  it('makes values, not JSON, when a key is made of them', async () => {
    const records = await readAll(
      FILE,
      {
        'value.schema': SCHEMA,
        'key.fields': 'id',
        'csv.parse.thread': 'always',
        'csv.parse.thread.min.bytes': 0,
      },
      'json',
    );
    const good = records.filter((r) => r.topic === 'rows');
    expect(good.map((r) => r.key)).toEqual([1, 2, 3, 6]);
    expect(good.some((r) => r.value instanceof JsonBytes)).toBe(false);
  });
});
