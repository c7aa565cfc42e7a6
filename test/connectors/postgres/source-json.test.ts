import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QuerySourceTaskConfig, querySourceConfig } from '../../../connectors/postgres/config.js';
import { QuerySourceTask } from '../../../connectors/postgres/source.js';
import { JsonBytes, JsonConverter, type SourceRecord } from '../../../src/connect/index.js';
import {
  admin,
  LEASE_TIMEOUT_MS,
  MemoryOffsets,
  PG_URL,
  pollUntil,
  randomName,
  shareServer,
  sourceContext,
} from './harness.js';

let db: pg.Client;
let schema: string;
let release: () => Promise<void>;

beforeAll(async () => {
  release = await shareServer();
  db = await admin();
  schema = randomName('srcjson');
  await db.query(`CREATE SCHEMA ${schema}`);
}, LEASE_TIMEOUT_MS);

afterAll(async () => {
  await db.query(`DROP SCHEMA ${schema} CASCADE`);
  await db.end();
  await release();
});

const schemaless = new JsonConverter(false);
const enveloped = new JsonConverter(true);

function config(extra: Record<string, unknown>): QuerySourceTaskConfig {
  const parsed = querySourceConfig.parse({
    'connection.url': PG_URL,
    'schema.pattern': schema,
    'poll.interval.ms': 50,
    ...extra,
  });
  return { ...parsed, 'task.id': 0, 'task.count': 1 };
}

/** Every record the source hands out for `extra`, read once as row objects and once as the JSON converter's bytes. */
async function readBoth(extra: Record<string, unknown>, count: number) {
  const read = async (json: boolean) => {
    const task = new QuerySourceTask();
    const context = {
      ...sourceContext(new MemoryOffsets()),
      ...(json ? { valueFormat: 'json' as const } : {}),
    };
    await task.start(config(extra), context);
    const records = await pollUntil(task, (all) => all.length >= count);
    await task.stop();
    return records;
  };
  return { rows: await read(false), json: await read(true) };
}

/** The JSON path hands out exactly the converter's bytes for the row path's value, and the same offsets. */
function expectSameJson(rows: SourceRecord[], json: SourceRecord[], direct = true): void {
  expect(json.length).toBe(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const bytes = json[i]!;
    expect(bytes.value instanceof JsonBytes).toBe(direct);
    const text = (r: SourceRecord, c: JsonConverter) =>
      c.fromConnectData(r.topic, null, r.value)?.toString('utf8');
    expect(text(bytes, schemaless)).toBe(text(row, schemaless));
    expect(text(bytes, enveloped)).toBe(text(row, enveloped));
    expect(bytes.sourceOffset).toEqual(row.sourceOffset);
    expect(bytes.sourcePartition).toEqual(row.sourcePartition);
    expect(bytes.topic).toBe(row.topic);
  }
}

describe('connectors › postgres › query source › straight to JSON', () => {
  it('writes every type as the JSON converter writes the row object, NULLs included', async () => {
    await db.query(`CREATE TABLE ${schema}.types (
      id serial PRIMARY KEY, i2 smallint, i4 integer, i8 bigint, o oid, num numeric, f4 real, f8 float8,
      t text, vc varchar(300), ch char(3), b boolean, d date, tm time, iv interval, ts timestamp, tstz timestamptz,
      u uuid, j json, jb jsonb, arr int[], tarr text[], by bytea, ip inet)`);
    const floats = [
      '0.1',
      '-2.5',
      '123456.789',
      '1e-5',
      '0.001',
      '9999999.5',
      '1e7',
      '1e15',
      '1e16',
      '1.5e300',
      '-0',
      '0',
      'NaN',
      'Infinity',
      '-Infinity',
      '3',
      '4.9e-324',
      '0.30000000000000004',
    ];
    const reals = ['0.1', '123.456', '1.5e30', '3.4e38', '-0', 'NaN', '1e-40', '16777217', '2.5'];
    const texts = [
      '',
      'plain',
      'with "quotes"',
      'back\\slash',
      'tab\there',
      'new\nline',
      'cr\rlf',
      `ctl${'\u0001'}x`,
      'del\u007f',
      'héllo',
      '😀 emoji',
      '\\N',
      'NULL',
      'x'.repeat(300),
      'ü'.repeat(200),
      '\u2028sep',
    ];
    const timestamps = [
      '2024-02-29 13:14:15.123456',
      '2024-01-01 00:00:00',
      'infinity',
      '-infinity',
      '0044-03-15 12:00:00 BC',
      '9999-12-31 23:59:59.999999',
    ];
    const n = Math.max(floats.length, texts.length, timestamps.length);
    for (let i = 0; i < n; i++) {
      await db.query(
        `INSERT INTO ${schema}.types (i2, i4, i8, o, num, f4, f8, t, vc, ch, b, d, tm, iv, ts, tstz, u, j, jb, arr,
           tarr, by, ip)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
           $23)`,
        [
          [-32768, 32767, 0][i % 3],
          [-2147483648, 2147483647, 7][i % 3],
          ['-9223372036854775808', '9223372036854775807', '9007199254740993', '42'][i % 4],
          [0, 4294967295, 12][i % 3],
          ['12345678901234567890.0123456789', 'NaN', '-0.5', '1e-20'][i % 4],
          reals[i % reals.length],
          floats[i % floats.length],
          texts[i % texts.length],
          texts[(i + 5) % texts.length],
          ['ab', 'a"', 'ü'][i % 3],
          i % 2 === 0,
          ['2024-02-29', '0044-03-15 BC', 'infinity'][i % 3],
          '13:14:15.5',
          '1 day 02:03:04',
          timestamps[i % timestamps.length],
          timestamps[(i + 1) % timestamps.length],
          'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
          ['{"a": [1, 2.50, 1e400]}', 'null', '"s"', '12345678901234567890'][i % 4],
          ['{"n": null, "s": "x\\ty", "k": 1.0}', '[]', 'null', '{"ü": "😀"}'][i % 4],
          [1, null, 3],
          ['a,b', 'c"d', null, 'e\\f'],
          Buffer.from([0, 255, 16, i]),
          '192.168.0.1/24',
        ],
      );
    }
    await db.query(`INSERT INTO ${schema}.types (id) VALUES (DEFAULT)`);
    const { rows, json } = await readBoth(
      { mode: 'incrementing', 'incrementing.column.name': 'id', 'table.include.list': `${schema}\\.types` },
      n + 1,
    );
    expect(rows).toHaveLength(n + 1);
    expectSameJson(rows, json);
  });

  it('writes floats of every scale as the converter writes the numbers the row path reads', async () => {
    await db.query(`CREATE TABLE ${schema}.floats (id serial PRIMARY KEY, f8 float8, f4 real, i8 bigint)`);
    // Random doubles and reals from 1e-9 to 1e18, both signs, and whole numbers around 2^53.
    await db.query(
      `INSERT INTO ${schema}.floats (f8, f4, i8)
         SELECT s * random() * 10 ^ (g % 28 - 9), s * random() * 10 ^ (g % 14 - 4), s * (2 ^ 53 - 2 + g % 5)
         FROM generate_series(1, 6000) g, LATERAL (SELECT CASE WHEN g % 3 = 0 THEN -1 ELSE 1 END AS s) x`,
    );
    await db.query(
      `INSERT INTO ${schema}.floats (f8, f4) SELECT round(g * 1000.0), g / 8.0 FROM generate_series(1, 50) g`,
    );
    const { rows, json } = await readBoth(
      { mode: 'incrementing', 'incrementing.column.name': 'id', 'table.include.list': `${schema}\\.floats` },
      6050,
    );
    expect(rows).toHaveLength(6050);
    expectSameJson(rows, json);
  });

  it('splits nothing wrongly across chunks and slabs: long rows, escapes and multi-byte text anywhere', async () => {
    await db.query(
      `CREATE TABLE ${schema}.chunks (id bigserial PRIMARY KEY, t text, at timestamptz, big text)`,
    );
    // About 4 MB: the COPY stream arrives in many chunks, which split rows and UTF-8 sequences anywhere, and
    // some rows are larger than an output slab.
    await db.query(
      `INSERT INTO ${schema}.chunks (t, at, big) SELECT repeat(E'ü😀\\t\\\\ "\\n\\r\\b\\f' || chr(11), 1 + g % 7) || g,
         timestamptz '2024-01-01 00:00:00+00' + g * interval '1.5 second',
         CASE WHEN g % 997 = 0 THEN repeat('ab', 50000 + g) ELSE 'x' || g END
         FROM generate_series(1, 20000) g`,
    );
    const { rows, json } = await readBoth(
      {
        mode: 'timestamp+incrementing',
        'timestamp.column.name': 'at',
        'incrementing.column.name': 'id',
        'table.include.list': `${schema}\\.chunks`,
        'batch.max.rows': 3000,
        'timestamp.initial': 0,
      },
      20000,
    );
    expect(rows.map((r) => (r.value as { id: number }).id)).toEqual(
      Array.from({ length: 20000 }, (_, i) => i + 1),
    );
    expectSameJson(rows, json);
  });

  it('keeps the row path where column names would not make an object of their columns in order', async () => {
    await db.query(`CREATE TABLE ${schema}.names (id serial PRIMARY KEY, v int)`);
    await db.query(`INSERT INTO ${schema}.names (v) SELECT g FROM generate_series(1, 3) g`);
    const queries = [
      [`SELECT id, v AS "a""b", v AS "ü", v AS "x\ty", v AS " " FROM ${schema}.names`, true],
      [`SELECT id, v AS "7", v FROM ${schema}.names`, false],
      [`SELECT id, v AS "__proto__" FROM ${schema}.names`, false],
      [`SELECT id, v AS w, v + 1 AS w FROM ${schema}.names`, false],
    ] as const;
    for (const [query, direct] of queries) {
      const { rows, json } = await readBoth(
        { mode: 'incrementing', 'incrementing.column.name': 'id', 'schema.pattern': undefined, query },
        3,
      );
      expect(rows).toHaveLength(3);
      expectSameJson(rows, json, direct);
    }
  });

  it('resumes from the offsets of the JSON path as from those of the row path', async () => {
    await db.query(`CREATE TABLE ${schema}.resume (id bigserial PRIMARY KEY, v text)`);
    await db.query(`INSERT INTO ${schema}.resume (v) SELECT 'r' || g FROM generate_series(1, 250) g`);
    const offsets = new MemoryOffsets();
    const extra = {
      mode: 'incrementing',
      'incrementing.column.name': 'id',
      'batch.max.rows': 100,
      'table.include.list': `${schema}\\.resume`,
    };
    const first = new QuerySourceTask();
    await first.start(config(extra), { ...sourceContext(offsets), valueFormat: 'json' });
    const head = await pollUntil(first, (all) => all.length >= 100, { offsets });
    await first.stop();
    expect(offsets.committed.get(JSON.stringify({ table: `${schema}.resume` }))).toEqual({
      incrementing: 100,
    });
    const second = new QuerySourceTask();
    await second.start(config(extra), { ...sourceContext(offsets), valueFormat: 'json' });
    const rest = await pollUntil(second, (all) => all.length >= 150, { offsets });
    await second.stop();
    const ids = [...head, ...rest]
      .map((r) => (r.value as JsonBytes).value() as { id: number })
      .map((v) => v.id);
    expect(ids).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
  });
});
