import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CdcSourceTask, postgresCdcSource } from '../../../connectors/postgres/cdc-source.js';
import { UNAVAILABLE_VALUE } from '../../../connectors/postgres/change-events.js';
import { cdcSourceConfig } from '../../../connectors/postgres/config.js';
import type { SourceRecord } from '../../../src/connect/index.js';
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
const slots: string[] = [];
const publications: string[] = [];

beforeAll(async () => {
  release = await shareServer();
  db = await admin();
  schema = randomName('cdc');
  await db.query(`CREATE SCHEMA ${schema}`);
}, LEASE_TIMEOUT_MS);

afterAll(async () => {
  for (const slot of slots) {
    await db.query(
      'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1',
      [slot],
    );
  }
  for (const p of publications) await db.query(`DROP PUBLICATION IF EXISTS ${p}`);
  await db.query(`DROP SCHEMA ${schema} CASCADE`);
  await db.end();
  await release();
});

interface Envelope {
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  op: string;
  source: { lsn: number; txId: number | null; schema: string; table: string; snapshot: string };
  ts_ms: number;
}

function config(table: string, extra: Record<string, unknown> = {}) {
  const slot = randomName('slot');
  const publication = randomName('pub');
  slots.push(slot);
  publications.push(publication);
  const parsed = cdcSourceConfig.parse({
    'connection.url': PG_URL,
    'topic.prefix': 'db1',
    'slot.name': slot,
    'publication.name': publication,
    'table.include.list': `${schema}\\.${table}`,
    'poll.interval.ms': 100,
    ...extra,
  });
  postgresCdcSource.validate?.(parsed);
  return parsed;
}

async function started(cfg: ReturnType<typeof config>, offsets = new MemoryOffsets()) {
  const task = new CdcSourceTask();
  await task.start(cfg, sourceContext(offsets));
  return task;
}

const envelopes = (records: SourceRecord[]) => records.map((r) => r.value as Envelope);

async function confirmedLsn(slot: string): Promise<bigint> {
  const { rows } = await db.query(
    `SELECT confirmed_flush_lsn - '0/0'::pg_lsn AS n FROM pg_replication_slots WHERE slot_name = $1`,
    [slot],
  );
  return BigInt(rows[0].n);
}

describe('connectors › postgres › cdc source', () => {
  it('snapshots the table, then streams inserts, updates and deletes keyed by primary key', async () => {
    await db.query(`CREATE TABLE ${schema}.items (id int PRIMARY KEY, name text, price numeric(10, 2))`);
    await db.query(`INSERT INTO ${schema}.items VALUES (1, 'a', 1.50), (2, 'b', 2.00)`);
    const cfg = config('items', { 'slot.drop.on.stop': true });
    const task = await started(cfg);
    const snapshot = await pollUntil(task, (all) => all.length >= 2);
    expect(snapshot.map((r) => r.key)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(envelopes(snapshot).map((e) => [e.op, e.source.snapshot, e.after])).toEqual([
      ['r', 'true', { id: 1, name: 'a', price: '1.50' }],
      ['r', 'last', { id: 2, name: 'b', price: '2.00' }],
    ]);

    await db.query(`INSERT INTO ${schema}.items VALUES (3, 'c', 3.25)`);
    await db.query(`UPDATE ${schema}.items SET name = 'B' WHERE id = 2`);
    await db.query(`UPDATE ${schema}.items SET id = 20 WHERE id = 2`);
    await db.query(`DELETE FROM ${schema}.items WHERE id = 1`);
    const changes = await pollUntil(task, (all) => all.length >= 5);
    await task.stop();
    expect(changes.map((r) => r.topic)).toEqual(Array(5).fill(`db1.${schema}.items`));
    expect(changes.map((r) => r.key)).toEqual([{ id: 3 }, { id: 2 }, { id: 20 }, { id: 1 }, { id: 1 }]);
    const [insert, update, rekey, del] = envelopes(changes);
    expect(insert).toMatchObject({ op: 'c', before: null, after: { id: 3, name: 'c', price: '3.25' } });
    expect(insert!.source).toMatchObject({ schema, table: 'items', snapshot: 'false' });
    expect(insert!.source.txId).toBeGreaterThan(0);
    expect(update).toMatchObject({ op: 'u', before: null, after: { id: 2, name: 'B', price: '2.00' } });
    expect(rekey).toMatchObject({ op: 'u', before: { id: 2 }, after: { id: 20, name: 'B' } });
    expect(del).toMatchObject({ op: 'd', before: { id: 1, name: null }, after: null });
    expect(changes[4]!.value).toBeNull(); // the tombstone
    expect(insert!.source.lsn).toBeLessThan(del!.source.lsn);
    const slotsLeft = await db.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [
      cfg['slot.name'],
    ]);
    expect(slotsLeft.rows).toEqual([]);
  });

  it('streams a 10,000-row transaction in order, and confirms the slot only once its records are durable', async () => {
    await db.query(`CREATE TABLE ${schema}.bulk (id int PRIMARY KEY, v text)`);
    const cfg = config('bulk', { 'snapshot.mode': 'never', 'max.batch.size': 1000 });
    const task = await started(cfg);
    await pollUntil(task, () => false, { timeoutMs: 300 }); // creates the slot
    const before = await confirmedLsn(cfg['slot.name']);
    await db.query(`INSERT INTO ${schema}.bulk SELECT g, 'v' || g FROM generate_series(1, 10000) g`);
    const unacknowledged = await pollUntil(task, (all) => all.length >= 10_000, { acknowledge: false });
    expect(unacknowledged.map((r) => (r.key as { id: number }).id)).toEqual(
      Array.from({ length: 10_000 }, (_, i) => i + 1),
    );
    expect(new Set(envelopes(unacknowledged).map((e) => e.source.txId)).size).toBe(1);
    await pollUntil(task, () => false, { timeoutMs: 300 });
    expect(await confirmedLsn(cfg['slot.name'])).toBe(before);
    for (const r of unacknowledged.slice(0, 9_999)) await task.commitRecord(r);
    expect(await confirmedLsn(cfg['slot.name'])).toBe(before);
    await task.commitRecord(unacknowledged[9_999]!);
    await new Promise((r) => setTimeout(r, 300));
    expect(await confirmedLsn(cfg['slot.name'])).toBeGreaterThan(before);
    await task.stop();
  });

  it('resumes mid-transaction after a restart of the task, without a gap or a repeat', async () => {
    await db.query(`CREATE TABLE ${schema}.resume (id int PRIMARY KEY)`);
    const cfg = config('resume', { 'snapshot.mode': 'never', 'max.batch.size': 100 });
    const offsets = new MemoryOffsets();
    const first = await started(cfg, offsets);
    await pollUntil(first, () => false, { timeoutMs: 300 });
    await db.query(`INSERT INTO ${schema}.resume SELECT generate_series(1, 1000)`);
    await db.query(`INSERT INTO ${schema}.resume SELECT generate_series(1001, 1200)`);
    const part = await pollUntil(first, (all) => all.length >= 300, { offsets });
    await first.stop();
    const second = await started(cfg, offsets);
    const rest = await pollUntil(second, (all) => part.length + all.length >= 1200, { offsets });
    await second.stop();
    const ids = [...part, ...rest].map((r) => (r.key as { id: number }).id);
    expect(ids).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
  });

  it('marks unchanged TOASTed columns instead of nulling them, and can emit just the new row', async () => {
    await db.query(`CREATE TABLE ${schema}.toast (id int PRIMARY KEY, n int, big text)`);
    await db.query(`ALTER TABLE ${schema}.toast ALTER COLUMN big SET STORAGE EXTERNAL`);
    const cfg = config('toast', { 'snapshot.mode': 'never', 'extract.new.record.state': true });
    const task = await started(cfg);
    await pollUntil(task, () => false, { timeoutMs: 300 });
    const big = 'x'.repeat(10_000);
    await db.query(`INSERT INTO ${schema}.toast VALUES (1, 1, $1)`, [big]);
    await db.query(`UPDATE ${schema}.toast SET n = 2 WHERE id = 1`);
    await db.query(`DELETE FROM ${schema}.toast WHERE id = 1`);
    const records = await pollUntil(task, (all) => all.length >= 3);
    await task.stop();
    expect(records.map((r) => r.value)).toEqual([
      { id: 1, n: 1, big },
      { id: 1, n: 2, big: UNAVAILABLE_VALUE },
      null,
    ]);
  });

  it('moves the slot past changes to unwatched tables with heartbeats', async () => {
    await db.query(`CREATE TABLE ${schema}.watched (id int PRIMARY KEY)`);
    await db.query(`CREATE TABLE ${schema}.unwatched (id int PRIMARY KEY)`);
    const cfg = config('watched', { 'snapshot.mode': 'never', 'heartbeat.interval.ms': 100 });
    const task = await started(cfg);
    await pollUntil(task, () => false, { timeoutMs: 300 });
    const before = await confirmedLsn(cfg['slot.name']);
    await db.query(`INSERT INTO ${schema}.unwatched SELECT generate_series(1, 100)`);
    const records = await pollUntil(task, () => false, { timeoutMs: 1500 });
    expect(records).toEqual([]);
    expect(await confirmedLsn(cfg['slot.name'])).toBeGreaterThan(before);
    await task.stop();
  });

  it('with snapshot.mode=initial_only reads the tables once and reports the end of input', async () => {
    await db.query(`CREATE TABLE ${schema}.once (id int PRIMARY KEY)`);
    await db.query(`INSERT INTO ${schema}.once SELECT generate_series(1, 5)`);
    const task = await started(config('once', { 'snapshot.mode': 'initial_only' }));
    const records = await pollUntil(task, (all) => all.length >= 5);
    await expect(task.poll()).rejects.toThrow(/no more records/);
    await task.stop();
    expect(envelopes(records).map((e) => e.after)).toEqual([1, 2, 3, 4, 5].map((id) => ({ id })));
  });
});
