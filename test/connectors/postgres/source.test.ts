import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QuerySourceTaskConfig, querySourceConfig } from '../../../connectors/postgres/config.js';
import { postgresSource, QuerySourceTask } from '../../../connectors/postgres/source.js';
import { RetriableError, type SourceRecord } from '../../../src/connect/index.js';
import { ConfigError } from '../../../src/errors.js';
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
  schema = randomName('src');
  await db.query(`CREATE SCHEMA ${schema}`);
}, LEASE_TIMEOUT_MS);

afterAll(async () => {
  await db.query(`DROP SCHEMA ${schema} CASCADE`);
  await db.end();
  await release();
});

function taskConfig(extra: Record<string, unknown>): QuerySourceTaskConfig {
  const parsed = querySourceConfig.parse({
    'connection.url': PG_URL,
    'schema.pattern': schema,
    'poll.interval.ms': 50,
    ...extra,
  });
  postgresSource.validate?.(parsed);
  return { ...parsed, 'task.id': 0, 'task.count': 1 };
}

async function started(extra: Record<string, unknown>, offsets = new MemoryOffsets()) {
  const task = new QuerySourceTask();
  await task.start(taskConfig(extra), sourceContext(offsets));
  return task;
}

const values = (records: SourceRecord[]) => records.map((r) => r.value as Record<string, unknown>);

describe('connectors › postgres › query source', () => {
  it('streams large tables in batches with every escape and multi-byte character intact across chunks', async () => {
    await db.query(`CREATE TABLE ${schema}.chunks (id serial PRIMARY KEY, t text, arr text[], by bytea)`);
    // ~2 MB of rows: the COPY stream arrives in many chunks, which split rows and UTF-8 sequences anywhere.
    await db.query(
      `INSERT INTO ${schema}.chunks (t, arr, by) SELECT repeat(E'ü😀\\t\\\\ \\n\\r\\b\\f' || chr(11), 1 + g % 7) || g,
         ARRAY[E'a\\tb', NULL, 'x' || g], decode(lpad(to_hex(g), 8, '0'), 'hex')
         FROM generate_series(1, 20000) g`,
    );
    const task = await started({
      mode: 'incrementing',
      'incrementing.column.name': 'id',
      'table.include.list': `${schema}\\.chunks`,
      'batch.max.rows': 3000,
    });
    const sizes: number[] = [];
    const read: SourceRecord[] = [];
    while (read.length < 20000) {
      const batch = await task.poll();
      if (batch.length > 0) sizes.push(batch.length);
      read.push(...batch);
    }
    await task.stop();
    expect(Math.max(...sizes)).toBe(3000);
    const rows = values(read);
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 20000 }, (_, i) => i + 1));
    rows.forEach((r, i) => {
      const g = i + 1;
      expect(r.t).toBe(`${'ü😀\t\\ \n\r\b\f\v'.repeat(1 + (g % 7))}${g}`);
      expect(r.arr).toEqual(['a\tb', null, `x${g}`]);
      expect(r.by).toEqual(Buffer.from(g.toString(16).padStart(8, '0'), 'hex'));
    });
  });

  it('reads every listed type with its exact value, and NULLs as null', async () => {
    await db.query(`CREATE TABLE ${schema}.types (
      id serial PRIMARY KEY, i2 smallint, i4 integer, i8 bigint, big bigint, num numeric(30, 10), f8 float8,
      t text, b boolean, d date, ts timestamp, tstz timestamptz, u uuid, j json, jb jsonb, arr int[],
      tarr text[], by bytea)`);
    await db.query(`INSERT INTO ${schema}.types (i2, i4, i8, big, num, f8, t, b, d, ts, tstz, u, j, jb, arr, tarr, by)
      VALUES (-3, 2147483647, 9007199254740991, 9223372036854775807, 12345678901234567890.0123456789, 0.1,
        'héllo, "world"', true, '2024-02-29', '2024-02-29 13:14:15.123456', '2024-02-29 13:14:15.654321+05:30',
        'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2]}', '{"n": null, "s": "x"}', '{1, NULL, 3}',
        '{"a,b", "c\\"d", NULL}', '\\x00ff10')`);
    await db.query(`INSERT INTO ${schema}.types (id) VALUES (DEFAULT)`);
    const task = await started({ mode: 'bulk', 'table.include.list': `${schema}\\.types` });
    const records = await pollUntil(task, (all) => all.length >= 2);
    await task.stop();
    expect(records.map((r) => r.topic)).toEqual(['types', 'types']);
    const [full, nulls] = values(records).sort((a, b) => Number(a.id) - Number(b.id));
    expect(full).toEqual({
      id: 1,
      i2: -3,
      i4: 2147483647,
      i8: 9007199254740991,
      big: 9223372036854775807n,
      num: '12345678901234567890.0123456789',
      f8: 0.1,
      t: 'héllo, "world"',
      b: true,
      d: '2024-02-29',
      ts: '2024-02-29T13:14:15.123456',
      tstz: '2024-02-29T07:44:15.654321+00:00',
      u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      j: { a: [1, 2] },
      jb: { n: null, s: 'x' },
      arr: [1, null, 3],
      tarr: ['a,b', 'c"d', null],
      by: Buffer.from([0x00, 0xff, 0x10]),
    });
    expect(Object.entries(nulls!).filter(([k, v]) => k !== 'id' && v !== null)).toEqual([]);
  });

  it('reads new rows by id in batches, and resumes from the committed offset after a restart', async () => {
    await db.query(`CREATE TABLE ${schema}.inc (id bigserial PRIMARY KEY, v text)`);
    await db.query(`INSERT INTO ${schema}.inc (v) SELECT 'r' || g FROM generate_series(1, 250) g`);
    const offsets = new MemoryOffsets();
    const config = { mode: 'incrementing', 'incrementing.column.name': 'id', 'batch.max.rows': 100 };
    const include = { 'table.include.list': `${schema}\\.inc`, 'topic.prefix': 'pg-' };
    const first = await started({ ...config, ...include }, offsets);
    const read = await pollUntil(first, (all) => all.length >= 250, { offsets });
    await first.stop();
    expect(values(read).map((v) => v.id)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(read[0]!.topic).toBe('pg-inc');
    expect(offsets.committed.get(JSON.stringify({ table: `${schema}.inc` }))).toEqual({ incrementing: 250 });

    await db.query(`INSERT INTO ${schema}.inc (v) VALUES ('late1'), ('late2')`);
    const second = await started({ ...config, ...include }, offsets);
    const more = await pollUntil(second, (all) => all.length >= 2, { offsets, timeoutMs: 3000 });
    await second.stop();
    expect(values(more).map((v) => v.v)).toEqual(['late1', 'late2']);
  });

  it('stopped in the middle of a streamed read, resumes after the last committed row: no gap, no repeat', async () => {
    await db.query(`CREATE TABLE ${schema}.cut (id bigserial PRIMARY KEY, v text)`);
    await db.query(
      `INSERT INTO ${schema}.cut (v) SELECT repeat('x', 100) || g FROM generate_series(1, 5000) g`,
    );
    const offsets = new MemoryOffsets();
    const config = {
      mode: 'incrementing',
      'incrementing.column.name': 'id',
      'batch.max.rows': 100,
      'table.include.list': `${schema}\\.cut`,
    };
    const first = await started(config, offsets);
    const head = await pollUntil(first, (all) => all.length >= 300, { offsets });
    // The task's session, by the last statement it ran (which names the table).
    const running = async () =>
      (
        await db.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%"${schema}"."cut"%' AND pid <> pg_backend_pid()`,
        )
      ).rows[0].n;
    expect(await running()).toBe(1);
    await first.stop(); // the COPY of the other 4,700 rows is still streaming
    const second = await started(config, offsets);
    const rest = await pollUntil(second, (all) => all.length >= 4700, { offsets });
    await second.stop();
    const ids = values([...head, ...rest]).map((v) => Number(v.id));
    expect(ids).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    // Stopping closed the sessions, cut-off COPY and all (its backend exits a moment after the connection closes).
    for (let i = 0; i < 50 && (await running()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await running()).toBe(0);
  });

  it('still reads a row whose transaction took a smaller id but committed after a larger one was read', async () => {
    await db.query(`CREATE TABLE ${schema}.race (id serial PRIMARY KEY, v text)`);
    const early = await admin();
    const late = await admin();
    try {
      await early.query('BEGIN');
      await early.query(`INSERT INTO ${schema}.race (v) VALUES ('early')`); // id 1, first transaction
      await late.query('BEGIN');
      await late.query(`INSERT INTO ${schema}.race (v) VALUES ('late')`); // id 2
      await late.query('COMMIT');
      const task = await started({
        mode: 'incrementing',
        'incrementing.column.name': 'id',
        'table.include.list': `${schema}\\.race`,
      });
      const before = await pollUntil(task, () => false, { timeoutMs: 400 });
      expect(values(before)).toEqual([]); // id 2 waits: transaction of id 1 is still open
      await early.query('COMMIT');
      const after = await pollUntil(task, (all) => all.length >= 2, { timeoutMs: 5000 });
      await task.stop();
      expect(values(after).map((v) => v.v)).toEqual(['early', 'late']);
    } finally {
      await early.end();
      await late.end();
    }
  });

  it('still reads a row with an earlier timestamp committed after later ones were read', async () => {
    await db.query(
      `CREATE TABLE ${schema}.tsrace (id serial PRIMARY KEY, v text, updated timestamptz, created timestamptz)`,
    );
    const early = await admin();
    try {
      await early.query('BEGIN');
      await early.query(`INSERT INTO ${schema}.tsrace (v, created) VALUES ('early', now())`);
      await db.query(`INSERT INTO ${schema}.tsrace (v, created) VALUES ('late', now())`);
      const task = await started({
        mode: 'timestamp',
        'timestamp.column.name': 'updated, created',
        'table.include.list': `${schema}\\.tsrace`,
      });
      const before = await pollUntil(task, () => false, { timeoutMs: 400 });
      expect(values(before)).toEqual([]);
      await early.query('COMMIT');
      const after = await pollUntil(task, (all) => all.length >= 2, { timeoutMs: 5000 });
      await task.stop();
      expect(values(after).map((v) => v.v)).toEqual(['early', 'late']);
    } finally {
      await early.end();
    }
  });

  it('in timestamp+incrementing mode, rows sharing a timestamp are each read once across restarts', async () => {
    await db.query(`CREATE TABLE ${schema}.ties (id serial PRIMARY KEY, at timestamp NOT NULL)`);
    await db.query(`INSERT INTO ${schema}.ties (at) SELECT '2024-01-01' FROM generate_series(1, 5)`);
    const offsets = new MemoryOffsets();
    const config = {
      mode: 'timestamp+incrementing',
      'timestamp.column.name': 'at',
      'incrementing.column.name': 'id',
      'batch.max.rows': 3,
      'table.include.list': `${schema}\\.ties`,
    };
    const first = await started(config, offsets);
    const [batch] = [await first.poll()];
    offsets.commit(batch!);
    await first.stop();
    expect(batch!.map((r) => (r.value as { id: number }).id)).toEqual([1, 2, 3]);
    await db.query(`INSERT INTO ${schema}.ties (at) VALUES ('2024-01-01'), ('2024-01-02')`);
    const second = await started(config, offsets);
    const rest = await pollUntil(second, (all) => all.length >= 4, { offsets, timeoutMs: 3000 });
    await second.stop();
    expect(values(rest).map((v) => v.id)).toEqual([4, 5, 6, 7]);
  });

  it('reads a custom query into the topic named by topic.prefix', async () => {
    await db.query(`CREATE TABLE ${schema}.q (id serial PRIMARY KEY, n int)`);
    await db.query(`INSERT INTO ${schema}.q (n) SELECT g FROM generate_series(1, 10) g`);
    const task = await started({
      mode: 'incrementing',
      'incrementing.column.name': 'id',
      'schema.pattern': undefined,
      query: `SELECT id, n * 2 AS twice FROM ${schema}.q WHERE n % 2 = 0`,
      'topic.prefix': 'evens',
    });
    const read = await pollUntil(task, (all) => all.length >= 5);
    await task.stop();
    expect(read.every((r) => r.topic === 'evens')).toBe(true);
    expect(values(read).map((v) => v.twice)).toEqual([4, 8, 12, 16, 20]);
  });

  it('treats a table named like an injection as a name', async () => {
    const hostile = 'x"; drop table t; --';
    await db.query(`CREATE TABLE ${schema}."x""; drop table t; --" (id serial, "a""b" text)`);
    await db.query(`INSERT INTO ${schema}."x""; drop table t; --" ("a""b") VALUES ('ok')`);
    const task = await started({
      mode: 'incrementing',
      'incrementing.column.name': 'id',
      'table.include.list': `${schema}\\.x.*`,
    });
    const read = await pollUntil(task, (all) => all.length >= 1);
    await task.stop();
    expect(read[0]!.topic).toBe(hostile);
    expect(read[0]!.value).toEqual({ id: 1, 'a"b': 'ok' });
  });

  it('reports an unreachable database as retriable, and rejects configs that cannot work', async () => {
    const task = new QuerySourceTask();
    await task.start(
      taskConfig({ mode: 'bulk', 'connection.url': 'postgres://postgres@127.0.0.1:1/test' }),
      sourceContext(),
    );
    await expect(task.poll()).rejects.toBeInstanceOf(RetriableError);
    await task.stop();
    expect(() => taskConfig({ mode: 'incrementing' })).toThrow(ConfigError);
    expect(() => taskConfig({ mode: 'timestamp' })).toThrow(/timestamp.column.name/);
    expect(() =>
      querySourceConfig.parse({ 'connection.url': PG_URL, mode: 'bulk', 'batch.max.row': 1 }),
    ).toThrow();
  });
});
