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

// Upsert mode stages each batch in a temporary table and merges it with one INSERT ... ON CONFLICT.

let db: pg.Client;
let schema: string;
let release: () => Promise<void>;

beforeAll(async () => {
  release = await shareServer();
  db = await admin();
  schema = randomName('sinkups');
  await db.query(`CREATE SCHEMA ${schema}`);
}, LEASE_TIMEOUT_MS);

afterAll(async () => {
  await db.query(`DROP SCHEMA ${schema} CASCADE`);
  await db.end();
  await release();
});

async function started(topic: string, extra: Record<string, unknown>) {
  const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const harness = new SinkHarness([{ topic, partition: 0 }], 'upsert-test');
  const task = new PostgresSinkTask();
  await task.start(
    sinkConfig.parse({ 'connection.url': url, 'insert.mode': 'upsert', ...extra }),
    harness.context,
  );
  await task.open?.(harness.partitions);
  return task;
}

const table = async (name: string, order: string) =>
  (await db.query(`SELECT * FROM ${schema}.${name} ORDER BY ${order}`)).rows;

describe('connectors › postgres › sink › upsert', () => {
  it('applies writes, tombstones and writes again of one key in one batch in record order', async () => {
    const topic = randomName('order');
    await db.query(`CREATE TABLE ${schema}.${topic} (k text PRIMARY KEY, v int)`);
    await db.query(`INSERT INTO ${schema}.${topic} VALUES ('a', 0), ('b', 0)`);
    const task = await started(topic, { 'pk.mode': 'record_key', 'pk.fields': 'k', 'delete.enabled': true });
    // Runs: write a, b; delete a; write a, c (the same stage, again in the same transaction); delete b.
    await task.put(
      sinkRecords(topic, [
        { key: 'a', value: { v: 1 } },
        { key: 'b', value: { v: 2 } },
        { key: 'a', value: null },
        { key: 'a', value: { v: 3 } },
        { key: 'c', value: { v: 4 } },
        { key: 'c', value: { v: 5 } },
        { key: 'b', value: null },
      ]),
    );
    await task.put(sinkRecords(topic, [{ key: 'b', value: { v: 6 } }], 7));
    await task.stop();
    expect(await table(topic, 'k')).toEqual([
      { k: 'a', v: 3 },
      { k: 'b', v: 6 },
      { k: 'c', v: 5 },
    ]);
  });

  it('keeps the last row of each composite key of a batch, and leaves unmentioned columns to their defaults', async () => {
    const topic = randomName('composite');
    await db.query(
      `CREATE TABLE ${schema}.${topic} (region text, id bigint, tags text[], qty int,
         created text NOT NULL DEFAULT 'by default', PRIMARY KEY (region, id))`,
    );
    const task = await started(topic, { 'pk.mode': 'record_value', 'pk.fields': 'region,id' });
    await task.put(
      sinkRecords(topic, [
        { value: { region: 'eu', id: 1, tags: ['a', 'b,c'], qty: 1 } },
        { value: { region: 'us', id: 1, tags: [], qty: 2 } },
        { value: { region: 'eu', id: 1, tags: ['"q"', null], qty: 3 } },
        { value: { region: 'eu', id: 2, tags: null, qty: 4 } },
      ]),
    );
    await task.put(sinkRecords(topic, [{ value: { region: 'us', id: 1, tags: ['x'], qty: 5 } }], 4));
    await task.stop();
    expect(await table(topic, 'region, id')).toEqual([
      { region: 'eu', id: '1', tags: ['"q"', null], qty: 3, created: 'by default' },
      { region: 'eu', id: '2', tags: null, qty: 4, created: 'by default' },
      { region: 'us', id: '1', tags: ['x'], qty: 5, created: 'by default' },
    ]);
  });

  it('after a batch that failed (its stage rolled back with it), the next batch is staged and written', async () => {
    const topic = randomName('failed');
    await db.query(`CREATE TABLE ${schema}.${topic} (id int PRIMARY KEY, n int)`);
    const task = await started(topic, { 'pk.mode': 'record_value', 'pk.fields': 'id' });
    await expect(task.put(sinkRecords(topic, [{ value: { id: 1, n: 'not a number' } }]))).rejects.toThrow(
      /invalid input syntax for type integer/,
    );
    await task.put(sinkRecords(topic, [{ value: { id: 1, n: 7 } }], 1));
    await task.put(sinkRecords(topic, [{ value: { id: 1, n: 8 } }, { value: { id: 2, n: 9 } }], 2));
    await task.stop();
    expect(await table(topic, 'id')).toEqual([
      { id: 1, n: 8 },
      { id: 2, n: 9 },
    ]);
  });
});
