import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sinkConfig } from '../../../connectors/postgres/config.js';
import { PostgresSinkTask } from '../../../connectors/postgres/sink.js';
import {
  admin,
  LEASE_TIMEOUT_MS,
  PG_URL,
  randomName,
  SinkHarness,
  shareServer,
  sinkRecords,
} from './harness.js';

// What the sink does to tables across batches: offsets kept per target table, and column types that hold every
// record of a schemaless topic, not only the first.

let db: pg.Client;
let schema: string;
let release: () => Promise<void>;

beforeAll(async () => {
  release = await shareServer();
  db = await admin();
  schema = randomName('sinktab');
  await db.query(`CREATE SCHEMA ${schema}`);
}, LEASE_TIMEOUT_MS);

afterAll(async () => {
  await db.query(`DROP SCHEMA ${schema} CASCADE`);
  await db.end();
  await release();
});

async function started(topic: string, extra: Record<string, unknown>, name = 'tables-test') {
  const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const harness = new SinkHarness([{ topic, partition: 0 }], name);
  const task = new PostgresSinkTask();
  await task.start(sinkConfig.parse({ 'connection.url': url, ...extra }), harness.context);
  await task.open?.(harness.partitions);
  return { task, harness };
}

async function columnTypes(table: string): Promise<Record<string, string>> {
  const { rows } = await db.query(
    `SELECT column_name, format_type(atttypid, atttypmod) AS type, is_nullable
       FROM information_schema.columns c
       JOIN pg_attribute a ON a.attrelid = format('%I.%I', table_schema, table_name)::regclass
        AND a.attname = c.column_name
      WHERE table_schema = $1 AND table_name = $2`,
    [schema, table],
  );
  return Object.fromEntries(
    rows.map((r) => [r.column_name, `${r.type}${r.is_nullable === 'NO' ? ' not null' : ''}`]),
  );
}

const ids = async (table: string) =>
  (await db.query(`SELECT id FROM ${schema}.${table} ORDER BY id`)).rows.map((r) => Number(r.id));

describe('connectors › postgres › sink › tables', () => {
  it('keeps offsets per target table: a second sink of the same name writing elsewhere skips nothing', async () => {
    const topic = randomName('shared');
    const values = Array.from({ length: 100 }, (_, i) => ({ value: { id: i } }));
    // Two pipelines that both call their sink "orders-table", reading the same topic name into two tables.
    for (const table of [`${topic}_a`, `${topic}_b`]) {
      const { task, harness } = await started(
        topic,
        { 'auto.create': true, 'table.name.format': table },
        'orders-table',
      );
      expect(harness.position(topic)).toBe(0);
      await task.put(sinkRecords(topic, values));
      await task.stop();
    }
    expect(await ids(`${topic}_a`)).toEqual(values.map((v) => v.value.id));
    expect(await ids(`${topic}_b`)).toEqual(values.map((v) => v.value.id));

    // Each resumes from its own table's offset.
    const again = await started(
      topic,
      { 'auto.create': true, 'table.name.format': `${topic}_b` },
      'orders-table',
    );
    expect(again.harness.position(topic)).toBe(100);
    await again.task.stop();
    const stored = await db.query(
      `SELECT target_table, next_offset FROM ${schema}.sluice_sink_offsets WHERE topic = $1 ORDER BY 1`,
      [topic],
    );
    expect(stored.rows).toEqual([
      { target_table: `${schema}.${topic}_a`, next_offset: '100' },
      { target_table: `${schema}.${topic}_b`, next_offset: '100' },
    ]);
  });

  it('migrates an offsets table of the earlier layout and resumes from its rows', async () => {
    const topic = randomName('legacy');
    const offsets = `${topic}_offsets`;
    await db.query(`CREATE TABLE ${schema}.${topic} (id bigint)`);
    await db.query(`INSERT INTO ${schema}.${topic} SELECT generate_series(0, 49)`);
    await db.query(
      `CREATE TABLE ${schema}.${offsets} (connector text NOT NULL, topic text NOT NULL, "partition" integer NOT NULL,
         next_offset bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (connector, topic, "partition"))`,
    );
    await db.query(
      `INSERT INTO ${schema}.${offsets} (connector, topic, "partition", next_offset) VALUES
      ('legacy', $1, 0, 50)`,
      [topic],
    );
    const { task, harness } = await started(topic, { 'offsets.table.name': offsets }, 'legacy');
    expect(harness.position(topic)).toBe(50);
    const values = Array.from({ length: 80 }, (_, i) => ({ value: { id: i } }));
    await task.put(sinkRecords(topic, values.slice(40), 40));
    await task.stop();
    expect(await ids(topic)).toEqual(values.map((v) => v.value.id));
    const pk = await db.query(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
        WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
      [`${schema}.${offsets}`],
    );
    expect(pk.rows.map((r) => r.attname)).toEqual(['connector', 'target_table', 'topic', 'partition']);
  });

  it('auto.create types each column by every record of the batch, not the first', async () => {
    const topic = randomName('widen');
    const { task } = await started(topic, { 'auto.create': true });
    await task.put(
      sinkRecords(topic, [
        { value: { id: 1, amount: 1, note: null, tags: [], flag: null } },
        { value: { id: 2, amount: 2.5, note: 'late', tags: ['x'], flag: null } },
        { value: { id: 3, amount: 3, note: null, tags: [1], flag: null } },
      ]),
    );
    await task.stop();
    expect(await columnTypes(topic)).toEqual({
      id: 'bigint',
      amount: 'double precision',
      note: 'text',
      tags: 'jsonb',
      flag: 'text', // all null and no auto.evolve: text, which takes any later value
    });
    expect((await db.query(`SELECT * FROM ${schema}.${topic} ORDER BY id`)).rows).toEqual([
      { id: '1', amount: 1, note: null, tags: [], flag: null },
      { id: '2', amount: 2.5, note: 'late', tags: ['x'], flag: null },
      { id: '3', amount: 3, note: null, tags: [1], flag: null },
    ]);
  });

  it('auto.evolve adds a column that was null in every earlier record once a value types it, nullable', async () => {
    const topic = randomName('evolve');
    const { task } = await started(topic, {
      'auto.create': true,
      'auto.evolve': true,
      'insert.mode': 'upsert',
      'pk.mode': 'record_value',
      'pk.fields': 'id',
    });
    await task.put(sinkRecords(topic, [{ value: { id: 1, price: null, born: null } }]));
    expect(await columnTypes(topic)).toEqual({ id: 'bigint not null' });
    await task.put(sinkRecords(topic, [{ value: { id: 2, price: 9.5, born: null, meta: { a: [1] } } }], 1));
    await task.put(sinkRecords(topic, [{ value: { id: 1, price: 3, born: '1815-12-10', meta: null } }], 2));
    await task.stop();
    expect(await columnTypes(topic)).toEqual({
      id: 'bigint not null',
      price: 'double precision',
      meta: 'jsonb',
      born: 'text',
    });
    expect((await db.query(`SELECT * FROM ${schema}.${topic} ORDER BY id`)).rows).toEqual([
      { id: '1', price: 3, meta: null, born: '1815-12-10' },
      { id: '2', price: 9.5, meta: { a: [1] }, born: null },
    ]);
  });

  it('upserts awkward values exactly (one array parameter per column), the last of a key winning', async () => {
    const topic = randomName('awkward');
    await db.query(
      `CREATE TABLE ${schema}.${topic} (id int PRIMARY KEY, t text, n numeric(30, 10), j jsonb, b bytea,
         ts timestamptz, d date, ok boolean, f float8, u uuid, v varchar(5))`,
    );
    const { task } = await started(topic, {
      'insert.mode': 'upsert',
      'pk.mode': 'record_value',
      'pk.fields': 'id',
    });
    const awkward = ['', 'NULL', '"', '\\', '{a,b}', 'x"y\\z', 'tab\tnew\nline', "it's", 'ü 😀', ' lead'];
    const values = awkward.map((t, i) => ({
      value: {
        id: i,
        t,
        n: '12345678901234567890.0123456789',
        j: { t, nested: [t, null] },
        b: Buffer.from([0, 92, 34, 255, i]),
        ts: '2024-02-29T23:59:59.123456+05:30',
        d: '0001-01-01',
        ok: i % 2 === 0,
        f: i / 7,
        u: '00000000-0000-0000-0000-00000000000a',
        v: t.slice(0, 5),
      },
    }));
    // Row 0 first with other values, then overwritten within the same batch.
    await task.put(sinkRecords(topic, [{ value: { id: 0, t: 'old' } }, ...values]));
    await task.put(sinkRecords(topic, [{ value: { id: 1, t: null } }], values.length + 1));
    await task.stop();
    const { rows } = await db.query(
      `SELECT id, t, n::text, j, b, ts = '2024-02-29T23:59:59.123456+05:30' AS ts, d::text, ok, f, u::text, v
         FROM ${schema}.${topic} ORDER BY id`,
    );
    expect(rows).toEqual(
      values.map(({ value: v }) => ({
        ...v,
        t: v.id === 1 ? null : v.t,
        ts: true,
        u: '00000000-0000-0000-0000-00000000000a',
      })),
    );
  });
});
