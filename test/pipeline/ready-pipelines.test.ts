import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL, shareServer } from '../connectors/postgres/harness.js';
import { jsonLines, waitFor } from './wait.js';

const dirs: string[] = [];
// Other test files restart the shared PostgreSQL server; holding the shared lease keeps them waiting while this
// file uses it.
let releaseServer: (() => Promise<void>) | undefined;
beforeAll(async () => {
  releaseServer = await shareServer();
}, 120_000);
afterAll(async () => {
  await releaseServer?.();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sluice-pipelines-'));
  dirs.push(d);
  return d;
}

const cli = [process.execPath, '--import', 'tsx', 'src/cli/run.ts'] as const;

function sluice(env: Record<string, string>, ...args: string[]) {
  return spawnSync(cli[0], [...cli.slice(1), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 100_000,
  });
}

function start(
  env: Record<string, string>,
  file: string,
): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(cli[0], [...cli.slice(1), 'run', file, '--json'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.resume();
  child.stderr?.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited };
}

function tableName(prefix: string): string {
  return `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
}

describe('pipeline › ready pipelines › real runs', () => {
  it('wordcount counts every word of a file and ends by itself', () => {
    const dir = tempDir();
    const input = join(dir, 'in.txt');
    const text = 'To be, or not to be:\nthat is the question.\n';
    writeFileSync(input, text);
    const run = sluice(
      { SLUICE_WORDCOUNT_DIR: join(dir, 'log'), SLUICE_WORDCOUNT_INPUT: input },
      'run',
      'pipelines/wordcount.yaml',
      '--until-done',
      '--json',
    );
    expect(run.status, run.stderr).toBe(0);
    const final = new Map<string, number>();
    for (const r of jsonLines(join(dir, 'log', 'counts.jsonl')))
      final.set(r.key as string, r.count as number);
    const expected = new Map<string, number>();
    for (const w of text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean))
      expected.set(w, (expected.get(w) ?? 0) + 1);
    expect(final).toEqual(expected);
  }, 150_000);

  it('csv-to-postgres loads every valid row into a new table', async () => {
    const dir = tempDir();
    const table = tableName('orders');
    const db = new pg.Client({ connectionString: PG_URL });
    db.on('error', () => {});
    await db.connect();
    try {
      // Declared up front: created from the first record, "amount" would be a bigint when that amount is whole.
      await db.query(
        `CREATE TABLE "${table}" (order_id bigint PRIMARY KEY, ordered_at timestamptz, customer text, region text, status text, amount numeric)`,
      );
      const env = { SLUICE_CSV_PG_DIR: join(dir, 'log'), SLUICE_PG_TABLE: table, SLUICE_PG_URL: PG_URL };
      const run = sluice(env, 'run', 'pipelines/csv-to-postgres.yaml', '--until-done', '--json');
      expect(run.status, run.stderr).toBe(0);
      const summary = JSON.parse(run.stdout.trim().split('\n').pop()!);
      const rows = await db.query(
        `SELECT count(*)::int AS n, count(DISTINCT order_id)::int AS d FROM "${table}"`,
      );
      expect(rows.rows[0].n).toBe(summary.recordsIn - summary.deadLettered);
      expect(rows.rows[0].d).toBe(rows.rows[0].n);
      // A second run over a fresh log finds the rows already written (offsets kept with them): no duplicates.
      const again = sluice(
        { ...env, SLUICE_CSV_PG_DIR: join(dir, 'log2') },
        'run',
        'pipelines/csv-to-postgres.yaml',
        '--until-done',
        '--json',
      );
      expect(again.status, again.stderr).toBe(0);
      const after = await db.query(`SELECT count(*)::int AS n FROM "${table}"`);
      expect(after.rows[0].n).toBe(rows.rows[0].n);
    } finally {
      await db.query(`DROP TABLE IF EXISTS "${table}", "${table}_sluice_offsets"`).catch(() => {});
      await db.end();
    }
  }, 150_000);

  it('file-tail-to-topic follows a growing file, and Ctrl-C loses no line read', async () => {
    const dir = tempDir();
    const logFile = join(dir, 'app.log');
    writeFileSync(logFile, '');
    const env = { SLUICE_TAIL_DIR: join(dir, 'log'), SLUICE_TAIL_FILE: logFile };
    const { child, exited } = start(env, 'pipelines/file-tail-to-topic.yaml');
    const problems = join(dir, 'log', 'problems.jsonl');
    let expected = 0;
    for (let batch = 0; batch < 3; batch++) {
      for (let i = 0; i < 50; i++) {
        const level = i % 5 === 0 ? 'error' : i % 5 === 1 ? 'warn' : 'info';
        if (level !== 'info') expected++;
        appendFileSync(logFile, `${JSON.stringify({ service: `s${i % 3}`, level, n: batch * 50 + i })}\n`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    await waitFor('the problems file', () => jsonLines(problems).length > 0);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const written = jsonLines(problems);
    expect(written).toHaveLength(expected);
    expect(new Set(written.map((r) => r.n)).size).toBe(expected);
  }, 150_000);

  it('enrichment-join adds the PostgreSQL customer row to each order', async () => {
    const dir = tempDir();
    const table = tableName('customers');
    const db = new pg.Client({ connectionString: PG_URL });
    db.on('error', () => {});
    await db.connect();
    try {
      await db.query(`CREATE TABLE "${table}" (id bigint PRIMARY KEY, name text, tier text)`);
      await db.query(`INSERT INTO "${table}" VALUES (1, 'Acme', 'gold'), (2, 'Hooli', 'silver')`);
      const incoming = join(dir, 'incoming');
      mkdirSync(incoming);
      const env = {
        SLUICE_ENRICH_DIR: join(dir, 'log'),
        SLUICE_ENRICH_INPUT: incoming,
        SLUICE_PG_TABLE: table,
        SLUICE_PG_URL: PG_URL,
      };
      const { child, exited } = start(env, 'pipelines/enrichment-join.yaml');
      const out = join(dir, 'log', 'orders-enriched.jsonl');
      // A left join enriches with what the table holds when the order arrives: probe orders show when it is loaded.
      for (let probe = 1; !jsonLines(out).some((r) => r.customer === 'Acme'); probe++) {
        if (probe > 20) throw new Error('the customers table never loaded');
        writeFileSync(
          join(incoming, `probe-${probe}.csv`),
          `order_id,customer_id,amount\n${1000 + probe},1,1\n`,
        );
        await new Promise((r) => setTimeout(r, 2000));
      }
      writeFileSync(
        join(incoming, 'orders-1.csv'),
        'order_id,customer_id,amount\n10,2,12.5\n11,1,3\n12,1,4.25\n',
      );
      await waitFor(
        'the first orders',
        () => jsonLines(out).filter((r) => Number(r.order_id) < 1000).length >= 3,
        20_000,
      );
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      const byId = new Map(jsonLines(out).map((r) => [r.order_id, r]));
      expect(byId.get(10)).toEqual({ order_id: 10, amount: 12.5, customer: 'Hooli', tier: 'silver' });
      expect(byId.get(11)).toEqual({ order_id: 11, amount: 3, customer: 'Acme', tier: 'gold' });
      expect(byId.get(12)).toEqual({ order_id: 12, amount: 4.25, customer: 'Acme', tier: 'gold' });
    } finally {
      await db.query(`DROP TABLE IF EXISTS "${table}"`).catch(() => {});
      await db.end();
    }
  }, 150_000);
  it('postgres-cdc-to-file writes every snapshot row, insert, update and delete; a snapshot-only run ends by itself', async () => {
    const dir = tempDir();
    const table = tableName('products');
    const slots = [tableName('slot'), tableName('slot')];
    const publication = tableName('pub');
    const db = new pg.Client({ connectionString: PG_URL });
    db.on('error', () => {});
    await db.connect();
    try {
      await db.query(`CREATE TABLE "${table}" (id bigint PRIMARY KEY, name text, price numeric)`);
      await db.query(`INSERT INTO "${table}" VALUES (1, 'lamp', 12.5), (2, 'desk', 80), (3, 'chair', 40)`);
      const env = {
        SLUICE_CDC_DIR: join(dir, 'log'),
        SLUICE_CDC_TABLE: table,
        SLUICE_CDC_SLOT: slots[0]!,
        SLUICE_CDC_PUBLICATION: publication,
        SLUICE_PG_URL: PG_URL,
      };
      const out = join(dir, 'log', 'changes.jsonl');
      const { child, exited } = start(env, 'pipelines/postgres-cdc-to-file.yaml');
      await waitFor('three lines', () => jsonLines(out).length >= 3);
      await db.query(`INSERT INTO "${table}" VALUES (4, 'shelf', 25)`);
      await db.query(`UPDATE "${table}" SET price = 75 WHERE id = 2`);
      await db.query(`DELETE FROM "${table}" WHERE id = 3`);
      await waitFor('six lines', () => jsonLines(out).length >= 6);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      const lsns = jsonLines(out).map((r) => r.lsn as number);
      // Changes in commit order: the streamed ones at increasing positions in the write-ahead log.
      expect(lsns.slice(3)).toEqual([...lsns.slice(3)].sort((a, b) => a - b));
      expect(lsns.every((l) => Number.isInteger(l) && l > 0)).toBe(true);
      const changes = jsonLines(out).map(({ lsn: _, ...rest }) => rest);
      const t = `public.${table}`;
      expect(changes.slice(0, 3).sort((a, b) => Number(a.id) - Number(b.id))).toEqual([
        { change: 'snapshot', table: t, id: 1, row: { id: 1, name: 'lamp', price: '12.5' } },
        { change: 'snapshot', table: t, id: 2, row: { id: 2, name: 'desk', price: '80' } },
        { change: 'snapshot', table: t, id: 3, row: { id: 3, name: 'chair', price: '40' } },
      ]);
      expect(changes.slice(3)).toEqual([
        { change: 'insert', table: t, id: 4, row: { id: 4, name: 'shelf', price: '25' } },
        { change: 'update', table: t, id: 2, row: { id: 2, name: 'desk', price: '75' } },
        { change: 'delete', table: t, id: 3, row: null },
      ]);

      // Snapshot only: the source ends once the table is read, so --until-done exits with the table as it is now.
      const copy = sluice(
        {
          ...env,
          SLUICE_CDC_DIR: join(dir, 'copy'),
          SLUICE_CDC_SLOT: slots[1]!,
          SLUICE_CDC_SNAPSHOT_MODE: 'initial_only',
        },
        'run',
        'pipelines/postgres-cdc-to-file.yaml',
        '--until-done',
        '--json',
      );
      expect(copy.status, copy.stderr).toBe(0);
      const rows = jsonLines(join(dir, 'copy', 'changes.jsonl'));
      expect(rows.map((r) => [r.change, r.id, (r.row as { price: string }).price]).sort()).toEqual([
        ['snapshot', 1, '12.5'],
        ['snapshot', 2, '75'],
        ['snapshot', 4, '25'],
      ]);
    } finally {
      await db
        .query(
          'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ANY($1)',
          [slots],
        )
        .catch(() => {});
      await db.query(`DROP PUBLICATION IF EXISTS "${publication}"`).catch(() => {});
      await db.query(`DROP TABLE IF EXISTS "${table}"`).catch(() => {});
      await db.end();
    }
  }, 240_000);
});
