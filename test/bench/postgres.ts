/**
 * `npm run bench -- postgres`: the PostgreSQL connectors against psql's `\copy`, the ceiling, in one run.
 *
 * - table → records: the query source in incrementing mode reading N rows of 10 columns, each value serialized by
 *   the JSON converter (what the runtime hands the producer), vs `\copy (SELECT ...) TO` a CSV file;
 * - records → table, insert mode (COPY, exactly-once offsets in the same transaction) vs `\copy ... FROM` that CSV;
 *   the records are built between the timed put() calls (in a worker the consumer and converter build them);
 * - upsert mode (each batch COPY-ed into a temporary table, then one INSERT ... SELECT ... ON CONFLICT) against
 *   the sink's insert mode: what keeping rows by key costs;
 * - CDC: events/s for one `UPDATE` of all N rows, from the commit to the last event decoded and handed out.
 *
 * Tasks run through the Connect contracts directly; the log write of a real worker is not included. Each sluice
 * case also prints the CPU time this process spent per record in each stage it separates (user + system, so on a
 * busy machine it moves much less than the rates do), and the process's peak RSS so far (psql runs in its own).
 * Options: `--rows N` (default 1,000,000), `--url postgres://...`, `--only source,insert,upsert,cdc` (a subset of
 * the cases, each with its ceiling), `--json`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { CdcSourceTask } from '../../connectors/postgres/cdc-source.js';
import { cdcSourceConfig, querySourceConfig, sinkConfig } from '../../connectors/postgres/config.js';
import { PostgresSinkTask } from '../../connectors/postgres/sink.js';
import { QuerySourceTask } from '../../connectors/postgres/source.js';
import { createConverter, type SinkRecord, type SourceTaskContext } from '../../src/connect/index.js';
import { shareServer } from '../connectors/postgres/harness.js';
import { flag, formatTable, human, type Measurement, recordsPerSec, timed, wantsJson } from './report.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function sourceContext(): SourceTaskContext {
  return {
    connectorName: 'bench',
    taskId: 0,
    logger: quiet,
    signal: new AbortController().signal,
    offsetReader: { offset: async () => null },
    requestCommit() {},
  };
}

function sinkContext() {
  return {
    connectorName: `bench-${Date.now()}`,
    taskId: 0,
    logger: quiet,
    signal: new AbortController().signal,
    assignment: () => [{ topic: 'bench', partition: 0 }],
    seek() {},
    pause() {},
    resume() {},
    requestCommit() {},
  };
}

/** CPU time (user + system, µs) this process spends in the calls timed through it, summed over them. */
class CpuMeter {
  us = 0;
  async time<T>(fn: () => Promise<T> | T): Promise<T> {
    const before = process.cpuUsage();
    try {
      return await fn();
    } finally {
      const used = process.cpuUsage(before);
      this.us += used.user + used.system;
    }
  }
  sync<T>(fn: () => T): T {
    const before = process.cpuUsage();
    try {
      return fn();
    } finally {
      const used = process.cpuUsage(before);
      this.us += used.user + used.system;
    }
  }
}

/** The process's peak RSS so far, the kernel's high-water mark (0 where /proc has none). */
async function peakRss(): Promise<number> {
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : 0;
}

/** A measurement with the CPU µs per record of each stage, and the peak RSS after it. */
interface Staged extends Measurement {
  stages?: Record<string, number>;
  rss?: number;
}

const COLUMNS = `id bigint PRIMARY KEY, a int, b bigint, c text, d numeric(12, 2), e double precision, f boolean,
  g timestamptz, h date, i text`;

export async function run(args: string[]): Promise<void> {
  const json = wantsJson(args);
  const rows = Number(flag(args, 'rows') ?? 1_000_000);
  const only = flag(args, 'only')?.split(',');
  const wanted = (name: string) => !only || only.includes(name);
  const url = flag(args, 'url') ?? process.env.SLUICE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const progress = (msg: string) => json || process.stderr.write(`${msg}\n`);
  const schema = `bench_${Date.now().toString(36)}`;
  const scoped = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-pg-'));
  const csv = path.join(dir, 'rows.csv');
  // Each statement on its own connection, and each measured step under a shared lease: the PostgreSQL test
  // files restart the server (waiting for leases), and a benchmark must neither break them nor be broken by them.
  const db = {
    async query(text: string, values: unknown[] = []) {
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => {});
      await client.connect();
      try {
        return await client.query(text, values);
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
  const record = async (m: Staged, meters: Record<string, CpuMeter> = {}) => {
    m.stages = Object.fromEntries(Object.entries(meters).map(([k, v]) => [k, v.us / m.records]));
    if (!m.subject.startsWith('psql')) m.rss = await peakRss();
    results.push(m);
    progress(`  ${m.case}, ${m.subject}: ${human(recordsPerSec(m))} rows/s`);
  };
  const psql = (command: string) => execFileSync('psql', [scoped, '-q', '-c', command], { stdio: 'ignore' });
  const slot = `bench_${Date.now().toString(36)}`;
  try {
    await db.query(`CREATE SCHEMA ${schema}`);
    await db.query(`CREATE TABLE ${schema}.src (${COLUMNS})`);
    progress(`filling ${human(rows)} rows`);
    await step(() =>
      db.query(
        `INSERT INTO ${schema}.src SELECT g, g % 1000, g * 7, 'name ' || g, (g % 100000) / 100.0, g / 3.0, g % 2 = 0,
         timestamptz '2024-01-01' + g * interval '1 second', date '2024-01-01' + (g % 365), md5(g::text)
       FROM generate_series(1, ${rows}) g`,
      ),
    );
    await db.query(`VACUUM ANALYZE ${schema}.src`);

    progress('table → records: psql \\copy to');
    const copyOut = await step(() => timed(async () => psql(`\\copy (SELECT * FROM src) TO '${csv}' CSV`)));
    const csvBytes = fs.statSync(csv).size;
    await record({
      case: 'table → topic',
      subject: 'psql \\copy to',
      records: rows,
      bytes: csvBytes,
      ms: copyOut.ms,
    });

    if (wanted('source')) {
      progress('table → records: query source');
      const converter = createConverter(
        { 'value.converter.schemas.enable': false },
        'value.converter',
        'json',
        'bench',
      );
      const source = new QuerySourceTask();
      await source.start(
        {
          ...querySourceConfig.parse({
            'connection.url': url,
            mode: 'incrementing',
            'incrementing.column.name': 'id',
            'table.include.list': `${schema}\\.src`,
            'batch.max.rows': 10_000,
            'poll.interval.ms': 60_000,
          }),
          'task.id': 0,
          'task.count': 1,
        },
        // What a worker tells a source whose values go to the JSON converter without transforms.
        { ...sourceContext(), valueFormat: 'json' },
      );
      const poll = new CpuMeter();
      const convert = new CpuMeter();
      const read = await step(() =>
        timed(async () => {
          let n = 0;
          let bytes = 0;
          while (n < rows) {
            const batch = await poll.time(() => source.poll());
            bytes += convert.sync(() => {
              let b = 0;
              for (const r of batch) b += converter.fromConnectData(r.topic, null, r.value)!.length;
              return b;
            });
            n += batch.length;
          }
          return bytes;
        }),
      );
      await source.stop();
      await record(
        {
          case: 'table → topic',
          subject: 'sluice postgres',
          records: rows,
          bytes: read.result,
          ms: read.ms,
        },
        { poll, convert },
      );
    }

    if (wanted('insert')) {
      await db.query(`CREATE TABLE ${schema}.dst_copy (${COLUMNS.replace(' PRIMARY KEY', '')})`);
      progress('records → table: psql \\copy from');
      const copyIn = await step(() => timed(async () => psql(`\\copy dst_copy FROM '${csv}' CSV`)));
      await record({
        case: 'topic → table, insert',
        subject: 'psql \\copy from',
        records: rows,
        bytes: csvBytes,
        ms: copyIn.ms,
      });
    }

    const batches = function* (): Generator<SinkRecord[]> {
      for (let from = 1; from <= rows; from += 10_000) {
        const batch: SinkRecord[] = [];
        for (let g = from; g < Math.min(from + 10_000, rows + 1); g++) {
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
          batch.push({ topic: 'bench', kafkaPartition: 0, kafkaOffset: g - 1, key: null, value });
        }
        yield batch;
      }
    };
    for (const mode of (['insert', 'upsert'] as const).filter(wanted)) {
      const table = `dst_${mode}`;
      await db.query(
        `CREATE TABLE ${schema}.${table} (${mode === 'insert' ? COLUMNS.replace(' PRIMARY KEY', '') : COLUMNS})`,
      );
      progress(`records → table: sink, ${mode} mode`);
      const sink = new PostgresSinkTask();
      await sink.start(
        sinkConfig.parse({
          'connection.url': scoped,
          'insert.mode': mode,
          'table.name.format': table,
          'batch.size': 10_000,
          ...(mode === 'upsert' ? { 'pk.mode': 'record_value', 'pk.fields': 'id' } : {}),
        }),
        sinkContext(),
      );
      // Only put() and flush() are timed: building the records is the consumer's and converter's work in a worker.
      const put = new CpuMeter();
      const written = await step(async () => {
        let ms = 0;
        for (const batch of batches()) ms += (await timed(() => put.time(() => sink.put(batch)))).ms;
        ms += (await timed(() => put.time(() => sink.flush([])))).ms;
        return { ms };
      });
      await sink.stop();
      await record(
        {
          case: `topic → table, ${mode}`,
          subject: 'sluice postgres-sink',
          records: rows,
          bytes: 0,
          ms: written.ms,
        },
        { put },
      );
    }

    if (wanted('cdc')) {
      progress('CDC: one UPDATE of every row');
      const cdc = new CdcSourceTask();
      await cdc.start(
        cdcSourceConfig.parse({
          'connection.url': url,
          'topic.prefix': 'bench',
          'slot.name': slot,
          'publication.name': slot,
          'table.include.list': `${schema}\\.src`,
          'snapshot.mode': 'never',
          'slot.drop.on.stop': true,
          'max.batch.size': 10_000,
          'heartbeat.interval.ms': 0,
        }),
        sourceContext(),
      );
      const poll = new CpuMeter();
      const events = await step(async () => {
        await cdc.poll(); // creates the slot and starts streaming
        await db.query(`UPDATE ${schema}.src SET a = a + 1`);
        const measured = await timed(async () => {
          let n = 0;
          while (n < rows) {
            const batch = await poll.time(() => cdc.poll());
            for (const r of batch) await cdc.commitRecord(r);
            n += batch.length;
          }
        });
        await cdc.stop();
        return measured;
      });
      await record(
        {
          case: 'CDC, bulk UPDATE',
          subject: 'sluice postgres-cdc',
          records: rows,
          bytes: 0,
          ms: events.ms,
        },
        { poll },
      );
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

  const ceiling = (c: string) => results.find((r) => r.case === c && r.subject.startsWith('psql'));
  // Upsert is measured against the sink's own insert mode: the goal is that keeping a key costs at most half.
  const insert = results.find((r) => r.case === 'topic → table, insert' && !r.subject.startsWith('psql'));
  const table = results.map((m) => {
    const upsert = m.case === 'topic → table, upsert';
    const peer = upsert ? insert : ceiling(m.case);
    const of = upsert ? 'of insert' : 'of \\copy';
    const ratio =
      peer && peer !== m ? `${((recordsPerSec(m) / recordsPerSec(peer)) * 100).toFixed(0)}% ${of}` : '';
    const stages = Object.entries(m.stages ?? {})
      .map(([k, us]) => `${k} ${us.toFixed(2)}`)
      .join(', ');
    return [
      m.case,
      m.subject,
      human(m.records),
      `${(m.ms / 1000).toFixed(2)} s`,
      `${human(recordsPerSec(m))}/s`,
      ratio,
      stages,
      m.rss ? `${(m.rss / 1024 / 1024).toFixed(0)} MB` : '',
    ];
  });
  if (json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else
    process.stdout.write(
      `${formatTable(['case', 'subject', 'rows', 'time', 'rate', 'vs ceiling', 'CPU µs/record', 'peak RSS'], table)}\n`,
    );
}
