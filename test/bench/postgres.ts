/**
 * `npm run bench -- postgres`: the PostgreSQL connectors as users run them, each case in a `sluice connect
 * standalone` worker of its own started from the compiled CLI (dist/, rebuilt first when stale), beside psql's
 * `\copy`, the ceiling, in the same run on the same data (N rows of 10 columns).
 *
 * - table → topic: the query source in incrementing mode → a topic of the embedded log (JSON converter), timed
 *   from the connector's creation until every row is durable in the topic (the worker's
 *   `sluice_connect_source_records_written_total`), vs `\copy (SELECT ...) TO` a CSV file;
 * - topic → table, insert mode (COPY, exactly-once offsets in the same transaction) vs `\copy ... FROM` that CSV;
 *   the input topic of N JSON records is written into the worker's log by a producer in this process before the
 *   worker starts (not timed); timed until the offsets the sink stored with its rows cover every record (lag 0);
 * - topic → table, upsert mode (each batch COPY-ed into a temporary table, then one INSERT ... SELECT ... ON
 *   CONFLICT) over the same topic, against the sink's insert mode: what keeping rows by key costs;
 * - CDC: one `UPDATE` of all N rows, events/s from its commit until every change event is durable in the topic.
 *
 * Each worker first runs a query source over an empty table (standalone needs a connector to start; it also loads
 * the PostgreSQL modules), then the case's connector is created over its REST API. Beside each rate: the worker's
 * CPU µs per row (user + system, from /proc, split into its main thread, where the tasks and converters run, and
 * its other threads: garbage collection, the file-system pool), and its peak RSS (VmHWM) at the end of the case.
 * The server's own CPU is not in these figures. Options: `--rows N` (default 1,000,000), `--url postgres://...`,
 * `--only source,insert,upsert,cdc` (a subset of the cases, each with its ceiling), `--json`, `--cpu-prof DIR`
 * (each worker writes a V8 CPU profile into DIR when it stops; the figures of such a run are the profiler's too).
 *
 * The query source's CPU µs per row is also split by stage: the COPY read off the connection and the task's polls
 * turning it into records each run alone in a process of its own over the same table (postgres-stages.ts), and
 * what the worker's main thread spends beyond the polls is the runtime (converter, producer) and the log.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Client, connect } from '../../src/client/index.js';
import { shareServer } from '../connectors/postgres/harness.js';
import { ensureDist, peakRss } from './dist.js';
import { flag, formatTable, human, type Measurement, recordsPerSec, timed, wantsJson } from './report.js';
import { clockTicks, ThreadCpu, WorkerProcess } from './worker.js';

/** A measurement with the worker's CPU µs per row by thread, and its peak RSS. */
interface Staged extends Measurement {
  cpuUs?: number;
  stages?: Record<string, number>;
  rss?: number;
}

const COLUMNS = `id bigint PRIMARY KEY, a int, b bigint, c text, d numeric(12, 2), e double precision, f boolean,
  g timestamptz, h date, i text`;

/** The sink's input: the rows of the source table as schemaless JSON, what the query source writes for them. */
async function fillTopic(client: Client, topic: string, rows: number): Promise<void> {
  const producer = client.producer();
  let batch: { value: Buffer }[] = [];
  for (let g = 1; g <= rows; g++) {
    const value = {
      id: g,
      a: g % 1000,
      b: g * 7,
      c: `name ${g}`,
      d: ((g % 100000) / 100).toFixed(2),
      e: g / 3,
      f: g % 2 === 0,
      g: new Date(Date.UTC(2024, 0, 1) + g * 1000).toISOString(),
      h: new Date(Date.UTC(2024, 0, 1 + (g % 365))).toISOString().slice(0, 10),
      i: `${g}`.padStart(32, '0'),
    };
    batch.push({ value: Buffer.from(JSON.stringify(value)) });
    if (batch.length === 5000 || g === rows) {
      await producer.send(topic, batch);
      batch = [];
    }
  }
  await producer.flush();
  await producer.close();
}

/** The records in the topics of a log whose names start with `prefix`. */
async function recordsIn(logDir: string, prefix: string): Promise<number> {
  const client = await connect({ log: { dir: logDir } });
  try {
    let n = 0;
    for (const topic of (await client.admin().listTopics()).filter((t) => t.startsWith(prefix))) {
      for (const p of await client.admin().partitionOffsets(topic)) n += p.highWatermark - p.logStartOffset;
    }
    return n;
  } finally {
    await client.close();
  }
}

export async function run(args: string[]): Promise<void> {
  const json = wantsJson(args);
  const rows = Number(flag(args, 'rows') ?? 1_000_000);
  const only = flag(args, 'only')?.split(',');
  const wanted = (name: string) => !only || only.includes(name);
  const profileDir = flag(args, 'cpu-prof');
  const url = flag(args, 'url') ?? process.env.SLUICE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const progress = (msg: string) => json || process.stderr.write(`${msg}\n`);
  const schema = `bench_${Date.now().toString(36)}`;
  const scoped = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-pg-'));
  const csv = path.join(dir, 'rows.csv');
  const logDir = path.join(dir, 'log');
  const ticks = clockTicks();
  const loadBefore = os.loadavg()[0] ?? 0;
  await ensureDist();
  // Each statement on its own connection, and each measured step under a shared lease: the PostgreSQL test
  // files restart the server (waiting for leases), and a benchmark must neither break them nor be broken by them.
  const db = {
    async query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []) {
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => {});
      await client.connect();
      try {
        return await client.query<R>(text, values);
      } finally {
        await client.end();
      }
    },
  };
  const step = async <T>(fn: () => Promise<T>): Promise<T> => {
    const release = await shareServer();
    try {
      return await fn();
    } finally {
      await release();
    }
  };
  const results: Staged[] = [];
  const record = (m: Staged) => {
    results.push(m);
    progress(`  ${m.case}, ${m.subject}: ${human(recordsPerSec(m))} rows/s`);
  };
  /** CPU µs per row of one stage of the query source over the `src` table (see postgres-stages.ts). */
  const sourceStage = (name: 'copy' | 'records') =>
    step(async () => {
      const script = path.join(import.meta.dirname, 'postgres-stages.ts');
      const out = execFileSync(process.execPath, ['--import', 'tsx', script, name, url, schema, 'src'], {
        encoding: 'utf8',
      });
      const m = JSON.parse(out) as { rows: number; cpuUs: number };
      return m.cpuUs / m.rows;
    });
  const psql = (command: string) => execFileSync('psql', [scoped, '-q', '-c', command], { stdio: 'ignore' });

  /**
   * One case in a worker of its own: `prepare` (not timed) creates the connector or whatever must precede the
   * clock, `go` is timed; the worker's CPU is sampled around `go`, its peak RSS read after it.
   */
  const inWorker = async (
    subject: string,
    caseName: string,
    prepare: (w: WorkerProcess) => Promise<void>,
    go: (w: WorkerProcess) => Promise<void>,
  ) =>
    step(async () => {
      const worker = await WorkerProcess.start(
        dir,
        [
          `log.dir=${logDir}`,
          'rest.port=0',
          'offset.flush.interval.ms=200',
          'key.converter=json',
          'value.converter=json',
          'value.converter.schemas.enable=false',
        ],
        [
          'name=warmup',
          'connector.class=postgres',
          `connection.url=${url}`,
          'mode=incrementing',
          'incrementing.column.name=id',
          `table.include.list=${schema}\\\\.warmup`,
          'topic.prefix=warmup-',
          'poll.interval.ms=60000',
        ],
        profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
      );
      const pid = worker.child.pid!;
      const cpu = new ThreadCpu(pid, ticks);
      try {
        await prepare(worker);
        const before = await cpu.sample();
        const { ms } = await timed(() => go(worker));
        const after = await cpu.sample();
        const split = cpu.split(before, after);
        record({
          case: caseName,
          subject,
          records: rows,
          bytes: 0,
          ms,
          cpuUs: split.total,
          stages: { 'main thread': split.main / rows, 'other threads': (split.other + split.started) / rows },
          rss: await peakRss(pid),
        });
      } finally {
        await cpu.stop();
        await worker.stop();
      }
    });

  const slot = `bench_${Date.now().toString(36)}`;
  try {
    await db.query(`CREATE SCHEMA ${schema}`);
    await db.query(`CREATE TABLE ${schema}.src (${COLUMNS})`);
    await db.query(`CREATE TABLE ${schema}.warmup (id bigint PRIMARY KEY)`);
    progress(`filling ${human(rows)} rows`);
    await step(() =>
      db.query(
        `INSERT INTO ${schema}.src SELECT g, g % 1000, g * 7, 'name ' || g, (g % 100000) / 100.0, g / 3.0, g % 2 = 0,
         timestamptz '2024-01-01' + g * interval '1 second', date '2024-01-01' + (g % 365), md5(g::text)
       FROM generate_series(1, ${rows}) g`,
      ),
    );
    await db.query(`VACUUM ANALYZE ${schema}.src`);
    if (wanted('insert') || wanted('upsert')) {
      progress(`writing ${human(rows)} JSON records to the sink's input topic (not timed)`);
      const client = await connect({ log: { dir: logDir } });
      try {
        await fillTopic(client, 'rows', rows);
      } finally {
        await client.close();
      }
    }

    progress('table → topic: psql \\copy to');
    const copyOut = await step(() => timed(async () => psql(`\\copy (SELECT * FROM src) TO '${csv}' CSV`)));
    const csvBytes = fs.statSync(csv).size;
    record({
      case: 'table → topic',
      subject: 'psql \\copy to',
      records: rows,
      bytes: csvBytes,
      ms: copyOut.ms,
    });

    if (wanted('source')) {
      progress('table → topic: query source in a worker');
      const name = 'pg-source';
      await inWorker(
        'sluice postgres (worker)',
        'table → topic',
        async () => {},
        (w) =>
          w.runUntil(
            name,
            {
              'connector.class': 'postgres',
              'connection.url': url,
              mode: 'incrementing',
              'incrementing.column.name': 'id',
              'table.include.list': `${schema}\\.src`,
              'topic.prefix': 'pg-',
              'batch.max.rows': 10_000,
              'poll.interval.ms': 60_000,
            },
            async () => (await w.metric('sluice_connect_source_records_written_total', name)) >= rows,
          ),
      );
      const n = await recordsIn(logDir, 'pg-');
      if (n !== rows) throw new Error(`the query source wrote ${n} records, expected ${rows}`);
      // The worker's stages, each alone in a process of its own over the same table (postgres-stages.ts): the
      // COPY read off the connection, then the task's polls turning it into records; what the worker's main
      // thread spends beyond those is the runtime's converting and producing and the log's appending.
      const worker = results.at(-1)!;
      progress('table → topic: the query source by stage');
      const copy = await sourceStage('copy');
      const polls = await sourceStage('records');
      const main = worker.stages!['main thread']!;
      worker.stages = {
        'COPY read': copy,
        'to records': polls - copy,
        'runtime + log': main - polls,
        ...worker.stages,
      };
    }

    if (wanted('insert')) {
      await db.query(`CREATE TABLE ${schema}.dst_copy (${COLUMNS.replace(' PRIMARY KEY', '')})`);
      progress('topic → table: psql \\copy from');
      const copyIn = await step(() => timed(async () => psql(`\\copy dst_copy FROM '${csv}' CSV`)));
      record({
        case: 'topic → table, insert',
        subject: 'psql \\copy from',
        records: rows,
        bytes: csvBytes,
        ms: copyIn.ms,
      });
    }

    for (const mode of (['insert', 'upsert'] as const).filter(wanted)) {
      const table = `dst_${mode}`;
      const name = `pg-sink-${mode}`;
      await db.query(
        `CREATE TABLE ${schema}.${table} (${mode === 'insert' ? COLUMNS.replace(' PRIMARY KEY', '') : COLUMNS})`,
      );
      progress(`topic → table: sink in a worker, ${mode} mode`);
      // The offsets the sink commits with its rows, in the same transaction: lag 0 once they cover the topic.
      const watch = new pg.Client({ connectionString: url });
      watch.on('error', () => {});
      await inWorker(
        'sluice postgres-sink (worker)',
        `topic → table, ${mode}`,
        async () => {
          await watch.connect();
        },
        (w) =>
          w.runUntil(
            name,
            {
              'connector.class': 'postgres-sink',
              topics: 'rows',
              'connection.url': scoped,
              'insert.mode': mode,
              'table.name.format': table,
              'batch.size': 10_000,
              ...(mode === 'upsert' ? { 'pk.mode': 'record_value', 'pk.fields': 'id' } : {}),
            },
            async () => {
              const r = await watch
                .query<{ n: string | null }>(
                  `SELECT sum(next_offset) AS n FROM ${schema}.sluice_sink_offsets WHERE connector = $1`,
                  [name],
                )
                .catch(() => ({ rows: [{ n: null }] })); // the sink creates the table when it starts
              return Number(r.rows[0]?.n ?? 0) >= rows;
            },
          ),
      ).finally(() => watch.end().catch(() => {}));
      const { rows: counted } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.${table}`);
      if (Number(counted[0]!.n) !== rows)
        throw new Error(`the sink wrote ${counted[0]!.n} rows to ${table}, expected ${rows}`);
    }

    if (wanted('cdc')) {
      progress('CDC: one UPDATE of every row, in a worker');
      const name = 'pg-cdc';
      let updateMs = 0;
      await inWorker(
        'sluice postgres-cdc (worker)',
        'CDC, bulk UPDATE',
        async (w) => {
          await w.call('POST', '/connectors', {
            name,
            config: {
              'connector.class': 'postgres-cdc',
              'connection.url': url,
              'topic.prefix': 'cdc',
              'slot.name': slot,
              'publication.name': slot,
              'table.include.list': `${schema}\\.src`,
              'snapshot.mode': 'never',
              'slot.drop.on.stop': true,
              // max.batch.size stays at the connector's default (2,048), as users run it: at 10,000 the
              // replication stream buffers 40,000 decoded messages and the worker peaked at 249 MB, against 167.
              'heartbeat.interval.ms': 0,
            },
          });
          // Streaming once the task holds the slot; the UPDATE then runs before the clock starts: its events
          // leave the server only once it has committed.
          await w.until(name, async () => {
            const r = await db.query<{ active: boolean }>(
              'SELECT active FROM pg_replication_slots WHERE slot_name = $1',
              [slot],
            );
            return r.rows[0]?.active === true;
          });
          updateMs = (await timed(() => db.query(`UPDATE ${schema}.src SET a = a + 1`))).ms;
        },
        (w) =>
          w.until(
            name,
            async () => (await w.metric('sluice_connect_source_records_written_total', name)) >= rows,
          ),
      );
      results.at(-1)!.note = `after the UPDATE's commit (the UPDATE took ${(updateMs / 1000).toFixed(2)} s)`;
      const n = await recordsIn(logDir, 'cdc.');
      if (n !== rows) throw new Error(`the CDC source wrote ${n} events, expected ${rows}`);
    }
  } finally {
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.query(`DROP PUBLICATION IF EXISTS ${slot}`);
    await db.query(
      'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1',
      [slot],
    );
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const psqlOf = (c: string) => results.find((r) => r.case === c && r.subject.startsWith('psql'));
  const sluiceOf = (c: string) => results.find((r) => r.case === c && !r.subject.startsWith('psql'));
  // Upsert is measured against the sink's own insert mode: the goal is that keeping a key costs at most half.
  const peerOf = (m: Staged) =>
    m.case === 'topic → table, upsert'
      ? { peer: sluiceOf('topic → table, insert'), of: 'of insert' }
      : { peer: psqlOf(m.case), of: 'of \\copy' };
  const ratio = (m: Staged) => {
    const { peer } = peerOf(m);
    return peer && peer !== m ? recordsPerSec(m) / recordsPerSec(peer) : undefined;
  };
  const peakWorker = Math.max(0, ...results.map((m) => m.rss ?? 0));
  const loadAfter = os.loadavg()[0] ?? 0;
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ results: results.map((m) => ({ ...m, ratio: ratio(m) })), peakRssBytes: peakWorker, loadBefore, loadAfter }, null, 2)}\n`,
    );
    return;
  }
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  const table = results.map((m) => {
    const r = ratio(m);
    return [
      m.case,
      m.subject,
      human(m.records),
      `${(m.ms / 1000).toFixed(2)} s`,
      `${human(recordsPerSec(m))}/s`,
      r === undefined ? '' : `${(r * 100).toFixed(0)}% ${peerOf(m).of}`,
      m.cpuUs === undefined ? '' : (m.cpuUs / m.records).toFixed(2),
      Object.entries(m.stages ?? {})
        .map(([k, us]) => `${k} ${us.toFixed(2)}`)
        .join(', '),
      m.rss ? mb(m.rss) : '',
      m.note ?? '',
    ];
  });
  process.stdout.write(
    `${formatTable(['case', 'subject', 'rows', 'time', 'rate', 'vs ceiling', 'CPU µs/row', 'by stage and thread', 'worker peak RSS', 'note'], table)}\n\n`,
  );
  const goal = (c: string, label: string, of: string) => {
    const m = sluiceOf(c);
    const r = m && ratio(m);
    return r === undefined ? [] : [`${label} reaches ${(r * 100).toFixed(0)}% of ${of} (goal ≥ 50%)`];
  };
  const lines = [
    ...goal('table → topic', 'query source', "\\copy to's rows/s"),
    ...goal('topic → table, upsert', 'upsert', "insert's rows/s"),
    ...(peakWorker > 0 ? [`worker peak RSS ${mb(peakWorker)} at most (goal < 200 MB)`] : []),
    `load average ${loadBefore.toFixed(1)} before the run, ${loadAfter.toFixed(1)} after, on ${os.cpus().length} cores`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
