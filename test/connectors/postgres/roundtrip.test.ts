import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { querySourceConfig, sinkConfig } from '../../../connectors/postgres/config.js';
import { PostgresSinkTask } from '../../../connectors/postgres/sink.js';
import { QuerySourceTask } from '../../../connectors/postgres/source.js';
import type { SinkRecord } from '../../../src/connect/index.js';
import { eventually, Harness } from '../../connect/conformance/harness.js';
import {
  admin,
  LEASE_TIMEOUT_MS,
  PG_URL,
  pollUntil,
  randomName,
  SinkHarness,
  shareServer,
  sourceContext,
} from './harness.js';

let db: pg.Client;
let schema: string;
let release: () => Promise<void>;

const COLUMNS = `id int PRIMARY KEY, i2 smallint, i4 integer, i8 bigint, num numeric(40, 12), num_free numeric,
  r real, f8 float8, t text, vc varchar(12), b boolean, d date, ts timestamp(6), tstz timestamptz, u uuid, j json,
  jb jsonb, ai int[], at text[], anum numeric[], ats timestamptz[], by bytea, aby bytea[]`;

beforeAll(async () => {
  release = await shareServer();
  db = await admin();
  schema = randomName('rt');
  await db.query(`CREATE SCHEMA ${schema}`);
}, LEASE_TIMEOUT_MS);

afterAll(async () => {
  await db.query(`DROP SCHEMA ${schema} CASCADE`);
  // The CDC test's publication, also when the test failed before dropping it.
  await db.query(`DROP PUBLICATION IF EXISTS ${schema}_wc`);
  await db.end();
  await release();
});

const ROWS = `
      (1, 32767, -2147483648, -9223372036854775808, 123456789012345678901234567.123456789012, 1e-20,
       3.4028235e38, -1.7976931348623157e308, E'tab\\there\\nline \\\\ "q" ''s'' ü 😀', 'twelve chars', false,
       '0001-01-01', '2000-02-29 23:59:59.999999', '1999-12-31 23:59:59.123456-08', gen_random_uuid(),
       '{"k": [1, 2.5, "s", null, {"deep": true}]}', '[1, "two", {"3": [4]}]', '{{1,2},{3,NULL}}',
       '{"", "NULL", "a,b", "c\\"d", null, "{}"}', '{0.1, 1e30, NaN}', '{"2024-01-01 00:00:00+00", null}',
       '\\x00010203fffe', '{"\\\\x00ff", null}'),
      (2, 0, 0, 0, 0, 0, 0, 0, '', '', true, '2024-12-31', '1970-01-01 00:00:00', '1970-01-01 00:00:00+00',
       '00000000-0000-0000-0000-000000000000', '{}', '"just a string"', '{}', '{}', '{}', '{}', '\\x', '{}'),
      (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL)`;

/** Through a topic too, bigint keeps its full range: the JSON converter writes and reads long integers exactly. */
const TOPIC_ROWS = ROWS;

const rowsText = async (table: string) =>
  (await db.query(`SELECT t::text AS row FROM ${schema}.${table} t ORDER BY id`)).rows.map((r) => r.row);

/**
 * Through a real Worker and topic: a source connector writes the table's rows to the embedded log with the JSON
 * converter (schemaless, as the sources emit), the postgres-sink reads them back into a table of the same
 * definition, which must then hold the same values.
 */
async function throughWorker(origin: string, source: Record<string, unknown>, topic: string): Promise<void> {
  const copy = `${origin}_copy`;
  await db.query(`CREATE TABLE ${schema}.${copy} (${COLUMNS})`);
  const h = await Harness.create();
  try {
    const worker = await h.startWorker({
      'key.converter': 'json',
      'key.converter.schemas.enable': false,
      'value.converter': 'json',
      'value.converter.schemas.enable': false,
    });
    await worker.create({ name: `${origin}-source`, ...source });
    await worker.create({
      name: `${origin}-sink`,
      'connector.class': 'postgres-sink',
      'connection.url': `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      topics: topic,
      'table.name.format': copy,
    });
    const failures = () =>
      [`${origin}-source`, `${origin}-sink`].flatMap((n) =>
        worker.status(n).tasks.flatMap((t) => (t.state === 'FAILED' ? [t.trace] : [])),
      );
    await eventually(
      async () => failures().length > 0 || (await rowsText(copy)).length >= 3,
      20_000,
      `3 rows in ${copy}`,
    );
    expect(failures()).toEqual([]);
  } finally {
    await h.dispose();
  }
  expect(await rowsText(copy)).toEqual(await rowsText(origin));
  const nulls = async (table: string) =>
    (await db.query(`SELECT j IS NULL AS j, jb IS NULL AS jb FROM ${schema}.${table} ORDER BY id`)).rows;
  expect(await nulls(copy)).toEqual(await nulls(origin));
}

describe('connectors › postgres › type round trip', () => {
  it('table → query source → topic (JSON) → sink → table, through a Worker, keeps every value', async () => {
    await db.query(`CREATE TABLE ${schema}.wq (${COLUMNS})`);
    await db.query(`INSERT INTO ${schema}.wq VALUES ${TOPIC_ROWS}`);
    await throughWorker(
      'wq',
      {
        'connector.class': 'postgres',
        'connection.url': PG_URL,
        mode: 'incrementing',
        'incrementing.column.name': 'id',
        'table.include.list': `${schema}\\.wq`,
        'topic.prefix': `${schema}-`,
      },
      `${schema}-wq`,
    );
  });

  it('table → CDC source (snapshot and stream) → topic (JSON) → sink → table, through a Worker, keeps every value', async () => {
    await db.query(`CREATE TABLE ${schema}.wc (${COLUMNS})`);
    await db.query(`ALTER TABLE ${schema}.wc REPLICA IDENTITY FULL`);
    const all = TOPIC_ROWS.trim().split(/,\n\s*(?=\()/);
    expect(all).toHaveLength(3);
    await db.query(`INSERT INTO ${schema}.wc VALUES ${all[0]}`);
    const slot = `${schema}_wc`;
    const copyDone = throughWorker(
      'wc',
      {
        'connector.class': 'postgres-cdc',
        'connection.url': PG_URL,
        'topic.prefix': 'rt',
        'slot.name': slot,
        'publication.name': slot,
        'slot.drop.on.stop': true,
        'table.include.list': `${schema}\\.wc`,
        'extract.new.record.state': true,
        'heartbeat.interval.ms': 0,
        'poll.interval.ms': 50,
      },
      `rt.${schema}.wc`,
    );
    // Row 1 comes from the snapshot; rows 2 and 3 from the stream, once the slot exists.
    await eventually(
      async () =>
        (await db.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slot])).rowCount === 1,
      20_000,
      'the slot',
    );
    await db.query(`INSERT INTO ${schema}.wc VALUES ${all[1]}, ${all[2]}`);
    await copyDone;
  });

  it('table → source → sink → table keeps every value of every listed type exactly', async () => {
    await db.query(`CREATE TABLE ${schema}.origin (${COLUMNS})`);
    await db.query(`CREATE TABLE ${schema}.copy (${COLUMNS})`);
    await db.query(`INSERT INTO ${schema}.origin VALUES ${ROWS}`);

    const source = new QuerySourceTask();
    await source.start(
      {
        ...querySourceConfig.parse({
          'connection.url': PG_URL,
          mode: 'incrementing',
          'incrementing.column.name': 'id',
          'table.include.list': `${schema}\\.origin`,
        }),
        'task.id': 0,
        'task.count': 1,
      },
      sourceContext(),
    );
    const records = await pollUntil(source, (all) => all.length >= 3);
    await source.stop();

    const harness = new SinkHarness([{ topic: 'copy', partition: 0 }]);
    const sink = new PostgresSinkTask();
    const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    await sink.start(sinkConfig.parse({ 'connection.url': url }), harness.context);
    await sink.put(
      records.map((r, i): SinkRecord => ({ ...r, topic: 'copy', kafkaPartition: 0, kafkaOffset: i })),
    );
    await sink.stop();

    const text = async (table: string) =>
      (await db.query(`SELECT t::text AS row FROM ${schema}.${table} t ORDER BY id`)).rows.map((r) => r.row);
    const origin = await text('origin');
    expect(origin).toHaveLength(3);
    expect(await text('copy')).toEqual(origin);
    // Row text prints SQL NULL as nothing and JSON null as `null`; check the distinction directly too.
    const nulls = async (table: string) =>
      (await db.query(`SELECT j IS NULL AS j, jb IS NULL AS jb FROM ${schema}.${table} ORDER BY id`)).rows;
    expect(await nulls('copy')).toEqual(await nulls('origin'));
  });
});
