import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { conformance } from '../../connect/conformance/conformance.js';
import type { Harness } from '../../connect/conformance/harness.js';
import { admin, LEASE_TIMEOUT_MS, PG_URL, randomName, shareServer } from './harness.js';

// The three PostgreSQL connectors through a real Worker on an embedded log: the shared conformance suite. The suite
// speaks in text values; the connectors speak in rows, so each fixture adds the steps that turn one into the other
// (a row's `v` column out of a source; `{ v, kafka_offset }` into the sink's table).

const schema = randomName('conform');
let release: () => Promise<void>;

beforeAll(async () => {
  release = await shareServer();
  const db = await admin();
  await db.query(`CREATE SCHEMA ${schema}`);
  await db.end();
}, LEASE_TIMEOUT_MS);

afterAll(async () => {
  const db = await admin();
  try {
    await db.query(`DROP SCHEMA ${schema} CASCADE`);
    for (let attempt = 0; attempt < 50; attempt++) {
      // A walsender exits a moment after its worker closed the connection (55006: slot still active).
      const left = await db.query(
        `SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE $1 AND NOT active`,
        [`${schema}%`],
      );
      for (const r of left.rows) await db.query('SELECT pg_drop_replication_slot($1)', [r.slot_name]);
      const active = await db.query('SELECT 1 FROM pg_replication_slots WHERE slot_name LIKE $1', [
        `${schema}%`,
      ]);
      if (active.rowCount === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const pubs = await db.query('SELECT pubname FROM pg_publication WHERE pubname LIKE $1', [`${schema}%`]);
    for (const r of pubs.rows) await db.query(`DROP PUBLICATION "${r.pubname}"`);
  } finally {
    await db.end();
    await release();
  }
});

async function query(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

/** Each suite's tables are its own: the three run in parallel with ids c1, c2, ... each. */
const table = (suite: string, id: string) => `${schema}.${suite}_${id}`;

/**
 * The source's table, and its topic with one partition: the suite reads a topic in order, and rows spread by key
 * (or by the producer's sticky partitioner) over several partitions have no order across them.
 */
const createTable = (suite: string, topic: (id: string) => string) => async (h: Harness, id: string) => {
  await query(`CREATE TABLE IF NOT EXISTS ${table(suite, id)} (id bigserial PRIMARY KEY, v text)`);
  const admin = h.client!.admin();
  if (!(await admin.listTopics()).includes(topic(id))) {
    await admin.createTopics([{ name: topic(id), partitions: 1 }]);
  }
};

/** Inserts `values` in order, so ids follow them. */
const insertRows = (suite: string) => async (_h: Harness, id: string, values: string[]) => {
  await query(
    `INSERT INTO ${table(suite, id)} (v) SELECT x FROM unnest($1::text[]) WITH ORDINALITY AS u(x, n) ORDER BY n`,
    [values],
  );
};

const topicValues = (topic: (id: string) => string) => async (h: Harness, id: string) =>
  h.client ? (await h.readTopic(topic(id))).map((r) => r.value ?? '') : [];

/** A row in, its `v` column out. */
const rowToText = {
  chain: ['column', '*'],
  config: {
    'transforms.column.type': 'org.apache.kafka.connect.transforms.ExtractField$Value',
    'transforms.column.field': 'v',
  },
};

conformance('postgres (query source, incrementing)', {
  kind: 'source',
  setup: createTable('q', (id) => `out-q_${id}`),
  config: (_h, id) => ({
    'connector.class': 'postgres',
    'connection.url': PG_URL,
    mode: 'incrementing',
    'incrementing.column.name': 'id',
    'table.include.list': `${schema}\\.q_${id}`,
    'topic.prefix': 'out-',
    'poll.interval.ms': 50,
  }),
  transforms: rowToText,
  input: insertRows('q'),
  output: topicValues((id) => `out-q_${id}`),
});

conformance('postgres-cdc', {
  kind: 'source',
  setup: createTable('cdc', (id) => `cdc.${schema}.cdc_${id}`),
  config: (_h, id) => ({
    'connector.class': 'postgres-cdc',
    'connection.url': PG_URL,
    'topic.prefix': 'cdc',
    'slot.name': `${schema}_${id}`,
    'publication.name': `${schema}_${id}`,
    'table.include.list': `${schema}\\.cdc_${id}`,
    'extract.new.record.state': true,
    'poll.interval.ms': 50,
    'heartbeat.interval.ms': 0,
  }),
  transforms: rowToText,
  input: insertRows('cdc'),
  output: topicValues((id) => `cdc.${schema}.cdc_${id}`),
});

conformance('postgres-sink', {
  kind: 'sink',
  setup: async (_h, id) => {
    await query(`CREATE TABLE IF NOT EXISTS ${table('sink', id)} (v text, kafka_offset bigint)`);
  },
  config: (_h, id) => ({
    'connector.class': 'postgres-sink',
    'connection.url': `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    topics: `in-${id}`,
    'table.name.format': `sink_${id}`,
  }),
  // The suite's steps may turn the text into a number; the column is text either way.
  transforms: {
    chain: ['*', 'text', 'row', 'offset'],
    config: {
      'transforms.text.type': 'org.apache.kafka.connect.transforms.Cast$Value',
      'transforms.text.spec': 'string',
      'transforms.row.type': 'org.apache.kafka.connect.transforms.HoistField$Value',
      'transforms.row.field': 'v',
      'transforms.offset.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
      'transforms.offset.offset.field': 'kafka_offset',
    },
  },
  input: (h, id, values) => h.produce(`in-${id}`, values),
  output: async (_h, id) =>
    (await query(`SELECT v FROM ${table('sink', id)} ORDER BY kafka_offset`)).rows.map((r) => r.v),
});
