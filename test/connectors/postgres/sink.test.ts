import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SinkConfig, sinkConfig } from '../../../connectors/postgres/config.js';
import { PostgresSinkTask, postgresSink } from '../../../connectors/postgres/sink.js';
import { DataError, Schemas, type SinkRecord, struct } from '../../../src/connect/index.js';
import { ConfigError } from '../../../src/errors.js';
import {
  admin,
  LEASE_TIMEOUT_MS,
  PG_URL,
  randomName,
  SinkHarness,
  shareServer,
  sinkRecords,
} from './harness.js';

let db: pg.Client;
let schema: string;
let release: () => Promise<void>;

beforeAll(async () => {
  release = await shareServer();
  db = await admin();
  schema = randomName('sink');
  await db.query(`CREATE SCHEMA ${schema}`);
}, LEASE_TIMEOUT_MS);

afterAll(async () => {
  await db.query(`DROP SCHEMA ${schema} CASCADE`);
  await db.end();
  await release();
});

function config(extra: Record<string, unknown> = {}): SinkConfig {
  const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const parsed = sinkConfig.parse({ 'connection.url': url, ...extra });
  postgresSink.validate?.(parsed);
  return parsed;
}

async function started(topic: string, extra: Record<string, unknown> = {}, name = 'sink-test') {
  const harness = new SinkHarness([{ topic, partition: 0 }], name);
  const task = new PostgresSinkTask();
  await task.start(config(extra), harness.context);
  await task.open?.(harness.partitions);
  return { task, harness };
}

async function rows(table: string, order = 'id'): Promise<Record<string, unknown>[]> {
  return (await db.query(`SELECT * FROM ${schema}."${table.replaceAll('"', '""')}" ORDER BY ${order}`)).rows;
}

describe('connectors › postgres › sink', () => {
  it('creates the table from the records and inserts them with COPY', async () => {
    const topic = randomName('orders');
    const { task } = await started(topic, { 'auto.create': true });
    await task.put(
      sinkRecords(topic, [
        { value: { id: 1, item: 'tea', price: 2.5, paid: true, tags: ['a', 'b'], meta: { n: 1 } } },
        {
          value: {
            id: 2,
            item: 'tab\there\nnewline \\ back',
            price: null,
            paid: false,
            tags: [],
            meta: null,
          },
        },
      ]),
    );
    await task.flush([]);
    await task.stop();
    expect(await rows(topic)).toEqual([
      { id: '1', item: 'tea', price: 2.5, paid: true, tags: ['a', 'b'], meta: { n: 1 } },
      { id: '2', item: 'tab\there\nnewline \\ back', price: null, paid: false, tags: [], meta: null },
    ]);
    const types = await db.query(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2
       ORDER BY ordinal_position`,
      [schema, topic],
    );
    expect(types.rows.map((r) => r.data_type)).toEqual([
      'bigint',
      'text',
      'double precision',
      'boolean',
      'ARRAY',
      'jsonb',
    ]);
  });

  it('uses the record schema for column types, and evolves the table with new nullable columns', async () => {
    const topic = randomName('people');
    const v1 = struct([
      ['id', Schemas.INT32],
      ['name', Schemas.STRING],
    ]);
    const v2 = struct([
      ['id', Schemas.INT32],
      ['name', Schemas.STRING],
      ['born', Schemas.OPTIONAL_DATE],
    ]);
    const { task } = await started(topic, {
      'auto.create': true,
      'auto.evolve': true,
      'insert.mode': 'upsert',
      'pk.mode': 'record_value',
      'pk.fields': 'id',
    });
    const records: SinkRecord[] = [
      { topic, kafkaPartition: 0, kafkaOffset: 0, key: null, valueSchema: v1, value: { id: 1, name: 'Ada' } },
      {
        topic,
        kafkaPartition: 0,
        kafkaOffset: 1,
        key: null,
        valueSchema: v2,
        value: { id: 2, name: 'Grace', born: new Date(Date.UTC(1906, 11, 9)) },
      },
      {
        topic,
        kafkaPartition: 0,
        kafkaOffset: 2,
        key: null,
        valueSchema: v1,
        value: { id: 1, name: 'Ada L.' },
      },
    ];
    await task.put(records);
    await task.stop();
    const pk = await db.query(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
       WHERE i.indrelid = $1::regclass AND i.indisprimary`,
      [`${schema}.${topic}`],
    );
    expect(pk.rows).toEqual([{ attname: 'id' }]);
    expect(
      await db.query(`SELECT id, name, born::text FROM ${schema}.${topic} ORDER BY id`).then((r) => r.rows),
    ).toEqual([
      { id: 1, name: 'Ada L.', born: null },
      { id: 2, name: 'Grace', born: '1906-12-09' },
    ]);
  });

  it('updates by key and deletes on tombstones', async () => {
    const topic = randomName('kv');
    await db.query(`CREATE TABLE ${schema}.${topic} (k text PRIMARY KEY, v int, note text)`);
    await db.query(
      `INSERT INTO ${schema}.${topic} VALUES ('a', 1, 'keep'), ('b', 2, 'keep'), ('c', 3, 'keep')`,
    );
    const updater = await started(topic, {
      'insert.mode': 'update',
      'pk.mode': 'record_key',
      'pk.fields': 'k',
    });
    await updater.task.put(
      sinkRecords(topic, [
        { key: 'a', value: { v: 10 } },
        { key: 'zz', value: { v: 99 } },
      ]),
    );
    await updater.task.stop();
    const deleter = await started(
      topic,
      { 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'pk.fields': 'k', 'delete.enabled': true },
      'deleter',
    );
    await deleter.task.put(
      sinkRecords(topic, [
        { key: 'b', value: null },
        { key: 'c', value: { v: 30 } },
        { key: 'c', value: null },
      ]),
    );
    await deleter.task.stop();
    expect(await rows(topic, 'k')).toEqual([{ k: 'a', v: 10, note: 'keep' }]);
  });

  it('stores offsets with the rows: a restarted task seeks past them and never writes a row twice', async () => {
    const topic = randomName('once');
    const values = Array.from({ length: 300 }, (_, i) => ({ value: { id: i, v: `row ${i}` } }));
    const first = await started(topic, { 'auto.create': true });
    await first.task.put(sinkRecords(topic, values.slice(0, 200)));
    await first.task.stop();

    const second = await started(topic, { 'auto.create': true });
    expect(second.harness.position(topic)).toBe(200);
    // The runtime's own committed offset lagged: it redelivers from 150.
    await second.task.put(sinkRecords(topic, values.slice(150), 150));
    await second.task.stop();
    const ids = (await rows(topic)).map((r) => Number(r.id));
    expect(ids).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });

  it('treats hostile topic and field names as names', async () => {
    const sentinel = 't';
    await db.query(`CREATE TABLE ${schema}.${sentinel} (x int)`);
    const topic = 'x"; drop table t; --';
    const { task } = await started(topic, { 'auto.create': true, 'table.name.format': '${topic}' });
    await task.put(sinkRecords(topic, [{ value: { 'a"); drop table t; --': "'); drop table t; --" } }]));
    await task.stop();
    expect(await db.query(`SELECT * FROM ${schema}."x""; drop table t; --"`).then((r) => r.rows)).toEqual([
      { 'a"); drop table t; --': "'); drop table t; --" },
    ]);
    const tables = await db.query('SELECT tablename FROM pg_tables WHERE schemaname = $1', [schema]);
    expect(tables.rows.map((r) => r.tablename)).toContain(sentinel);
  });

  it('rejects records it cannot write, and configs that cannot work', async () => {
    const topic = randomName('missing');
    const { task } = await started(topic);
    await expect(task.put(sinkRecords(topic, [{ value: { a: 1 } }]))).rejects.toThrow(
      /does not exist.*auto.create/,
    );
    await expect(task.put(sinkRecords(topic, [{ value: 'plain' }]))).rejects.toBeInstanceOf(DataError);
    await task.stop();
    expect(() => config({ 'delete.enabled': true })).toThrow(ConfigError);
    expect(() => config({ 'insert.mode': 'upsert' })).toThrow(/pk.mode/);
  });
});
