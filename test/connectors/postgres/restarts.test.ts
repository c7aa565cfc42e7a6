import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CdcSourceTask } from '../../../connectors/postgres/cdc-source.js';
import { cdcSourceConfig, sinkConfig } from '../../../connectors/postgres/config.js';
import { PostgresSinkTask } from '../../../connectors/postgres/sink.js';
import { RetriableError, type SourceRecord } from '../../../src/connect/index.js';
import {
  admin,
  LEASE_TIMEOUT_MS,
  MemoryOffsets,
  PG_URL,
  randomName,
  restartServer,
  SinkHarness,
  shareServer,
  sinkRecords,
  sourceContext,
} from './harness.js';

const CHILD = fileURLToPath(new URL('./sink-child.ts', import.meta.url));

let db: pg.Client;
let schema: string;
let lease: () => Promise<void>;

beforeAll(async () => {
  lease = await shareServer();
  db = await admin();
  schema = randomName('crash');
  await db.query(`CREATE SCHEMA ${schema}`);
}, LEASE_TIMEOUT_MS);

afterAll(async () => {
  db = await admin(); // the restart test replaced the server under the first connection
  await db.query(`DROP SCHEMA ${schema} CASCADE`);
  await db.end();
  await lease();
});

const url = () => `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;

/** Runs the child until it prints `put N` with N ≥ killAfter (then SIGKILL), or to the end. */
function runChild(
  topic: string,
  total: number,
  killAfter?: number,
): Promise<{ killedAt?: number; log: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url(), topic, String(total), '500'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    let killedAt: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const last = [...log.matchAll(/put (\d+)/g)].pop();
      if (killAfter !== undefined && killedAt === undefined && last && Number(last[1]) >= killAfter) {
        killedAt = Number(last[1]);
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0)
        resolve({ ...(killedAt === undefined ? {} : { killedAt }), log });
      else reject(new Error(`sink child exited with ${code}: ${log}`));
    });
  });
}

// A restart waits until the other PostgreSQL test files are done with the server (see restartServer), which under
// a busy full-suite run can take a while.
const RESTART_TIMEOUT_MS = 90_000;

describe('connectors › postgres › crashes and restarts', () => {
  it('killed with SIGKILL mid-stream in insert mode, then restarted: the table equals the topic', async () => {
    const topic = randomName('killed');
    const total = 20_000;
    const first = await runChild(topic, total, 5_000);
    expect(first.killedAt).toBeGreaterThanOrEqual(5_000);
    const second = await runChild(topic, total);
    const resumedAt = Number(/start (\d+)/.exec(second.log)![1]);
    expect(resumedAt).toBeGreaterThanOrEqual(first.killedAt!);
    expect(second.log).toContain('done');
    const { rows } = await db.query(
      `SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids, min(id)::int AS lo, max(id)::int AS hi
         FROM ${schema}.${topic}`,
    );
    expect(rows[0]).toEqual({ n: total, ids: total, lo: 0, hi: total - 1 });
  });

  it(
    'retries with backoff while PostgreSQL restarts, and loses nothing',
    async () => {
      const topic = randomName('restart');
      const harness = new SinkHarness([{ topic, partition: 0 }], 'restart-test');
      const task = new PostgresSinkTask();
      await task.start(
        sinkConfig.parse({ 'connection.url': url(), 'auto.create': true, 'retry.backoff.ms': 100 }),
        harness.context,
      );
      const batch = (from: number) =>
        sinkRecords(
          topic,
          Array.from({ length: 100 }, (_, i) => ({ value: { id: from + i } })),
          from,
        );
      await task.put(batch(0));
      lease = await restartServer(lease);
      let retries = 0;
      for (;;) {
        try {
          await task.put(batch(100)); // the runtime delivers the same batch again after a RetriableError
          break;
        } catch (error) {
          expect(error).toBeInstanceOf(RetriableError);
          retries++;
          await new Promise((r) => setTimeout(r, (error as RetriableError).delayMs));
        }
      }
      await task.put(batch(200));
      await task.stop();
      db = await admin();
      const { rows } = await db.query(
        `SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM ${schema}.${topic}`,
      );
      expect(rows[0]).toEqual({ n: 300, ids: 300 });
      expect(retries).toBeGreaterThanOrEqual(1);
    },
    RESTART_TIMEOUT_MS,
  );

  it(
    'CDC reconnects after PostgreSQL restarts mid-stream and delivers every change once',
    async () => {
      const table = randomName('cdc_restart');
      await db.query(`CREATE TABLE ${schema}.${table} (id int PRIMARY KEY)`);
      const slot = randomName('slot');
      const publication = randomName('pub');
      const offsets = new MemoryOffsets();
      const task = new CdcSourceTask();
      await task.start(
        cdcSourceConfig.parse({
          'connection.url': PG_URL,
          'topic.prefix': 'restart',
          'slot.name': slot,
          'publication.name': publication,
          'table.include.list': `${schema}\\.${table}`,
          'snapshot.mode': 'never',
          'slot.drop.on.stop': true,
          'poll.interval.ms': 100,
        }),
        sourceContext(offsets),
      );
      const received: SourceRecord[] = [];
      let retries = 0;
      const pollUntil = async (n: number) => {
        const deadline = Date.now() + 20_000;
        while (received.length < n && Date.now() < deadline) {
          try {
            const batch = await task.poll();
            offsets.commit(batch);
            for (const r of batch) await task.commitRecord(r);
            received.push(...batch);
          } catch (error) {
            expect(error).toBeInstanceOf(RetriableError);
            retries++;
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      };
      try {
        await task.poll(); // creates the slot and starts streaming
        await db.query(`INSERT INTO ${schema}.${table} SELECT generate_series(1, 100)`);
        await pollUntil(100);
        lease = await restartServer(lease);
        db = await admin();
        await db.query(`INSERT INTO ${schema}.${table} SELECT generate_series(101, 200)`);
        await pollUntil(200);
      } finally {
        await task.stop();
        await db.query(`DROP PUBLICATION IF EXISTS ${publication}`);
      }
      expect(retries).toBeGreaterThanOrEqual(1);
      expect(received.map((r) => (r.key as { id: number }).id)).toEqual(
        Array.from({ length: 200 }, (_, i) => i + 1),
      );
      const left = await db.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slot]);
      expect(left.rows).toEqual([]);
    },
    RESTART_TIMEOUT_MS,
  );
});
