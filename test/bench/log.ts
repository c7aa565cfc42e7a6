/**
 * `npm run bench -- log`: sluice's segment log against the embedded stores Node users reach for, in one run.
 *
 * - append 1,000,000 records of 100-byte values in batches of 1,000, without fsync and with acks=all, then read
 *   them all back decoding every record; peers: better-sqlite3 (WAL, a transaction per batch), NATS JetStream
 *   (file storage, async publish) and the raw limit (the same bytes, one write per batch);
 * - 1 KB values, in MB/s against the raw limit;
 * - with `--rss`, the peak RSS of a process reading a 2 GB topic end to end.
 *
 * Options: `--records N` (default 1,000,000), `--large-records N` (1 KB values, default 250,000), `--only a,b`
 * (subjects by name), `--rss` (and `--rss-mb N`, default 2048), `--json`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { goals } from './log/goals.js';
import { jetstream } from './log/jetstream.js';
import { rawLimit } from './log/raw.js';
import { measureReadRss } from './log/rss.js';
import { sluice } from './log/sluice.js';
import { sqlite } from './log/sqlite.js';
import { batches, type Durability, type Subject, type Workload } from './log/workload.js';
import {
  flag,
  formatTable,
  human,
  type Measurement,
  mbPerSec,
  recordsPerSec,
  timed,
  wantsJson,
} from './report.js';

export async function run(args: string[]): Promise<void> {
  const json = wantsJson(args);
  const only = flag(args, 'only')?.split(',');
  const small: Workload = {
    records: Number(flag(args, 'records') ?? 1_000_000),
    batchSize: 1000,
    valueSize: 100,
  };
  const large: Workload = {
    ...small,
    records: Number(flag(args, 'large-records') ?? 250_000),
    valueSize: 1024,
  };
  const progress = (msg: string) => json || process.stderr.write(`${msg}\n`);
  const results: LogMeasurement[] = [];
  const loadBefore = os.loadavg()[0];

  // The raw limit writes exactly as many bytes per batch as sluice did for the same workload.
  const batchBytes = new Map<Workload, number>();
  const raw = rawLimit(() => batchBytes.get(current) ?? estimateBatchBytes(current));
  let current = small;

  const runCase = async (subject: Subject, w: Workload, durability: Durability, read: boolean) => {
    if (only && !only.includes(subject.name) && !(subject === raw && only.includes('raw'))) return;
    const size = w.valueSize >= 1024 ? `${w.valueSize / 1024} KB` : `${w.valueSize} B`;
    // sluice's acks=all resolves once fsynced; the peers sync every batch (sqlite: synchronous=FULL).
    const mode = durability === 'fsync' ? 'acks=all' : 'no fsync';
    progress(`${subject.name}: ${human(w.records)} × ${size}, ${mode}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-'));
    try {
      const run = await subject.open(dir, w, durability);
      try {
        const appended = await timedWithCpu(() => run.append());
        if (subject === sluice && durability === 'none') batchBytes.set(w, appended.result / batches(w));
        const bytes = appended.result || (batchBytes.get(w) ?? estimateBatchBytes(w)) * batches(w);
        const note = subject.note;
        results.push({
          case: `append ${size}, ${mode}`,
          subject: subject.name,
          records: w.records,
          bytes,
          ms: appended.ms,
          cpuUs: appended.cpuUs,
          note,
        });
        if (!read) return;
        const r = await timedWithCpu(() => run.read());
        if (r.result.records !== w.records) {
          throw new Error(`${subject.name} read ${r.result.records} records, expected ${w.records}`);
        }
        results.push({
          case: `read ${size}`,
          subject: subject.name,
          records: w.records,
          bytes,
          ms: r.ms,
          cpuUs: r.cpuUs,
          note,
        });
      } finally {
        await run.close();
      }
    } catch (err) {
      progress(`  skipped: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  for (const w of [small, large]) {
    current = w;
    await runCase(sluice, w, 'none', true);
    await runCase(sluice, w, 'fsync', false);
    if (w === small) {
      await runCase(sqlite, w, 'none', true);
      await runCase(sqlite, w, 'fsync', false);
      await runCase(jetstream, w, 'none', true);
    }
    await runCase(raw, w, 'none', true);
    await runCase(raw, w, 'fsync', false);
  }

  let rss: Awaited<ReturnType<typeof measureReadRss>> | undefined;
  if (args.includes('--rss')) {
    const mb = Number(flag(args, 'rss-mb') ?? 2048);
    progress(`sluice: reading a ${mb} MB topic end to end in a fresh process`);
    rss = await measureReadRss(mb);
  }

  const goalRows = goals(results, rss);
  if (json) {
    const withRates = results.map((m) => ({ ...m, recordsPerSec: recordsPerSec(m), mbPerSec: mbPerSec(m) }));
    process.stdout.write(`${JSON.stringify({ measurements: withRates, rss, goals: goalRows }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`\n${formatTable(...measurementTable(results))}\n`);
  process.stdout.write(
    `load average ${loadBefore.toFixed(1)} before the run, ${os.loadavg()[0].toFixed(1)} after, on ${os.cpus().length} cores\n`,
  );
  if (rss) {
    process.stdout.write(
      `\nreading ${human(rss.records)} records (${rss.mb} MB) end to end: peak RSS ${rss.peakRssMb.toFixed(0)} MB ` +
        `(${rss.baselineRssMb.toFixed(0)} MB before the first read), ${(rss.ms / 1000).toFixed(1)} s\n`,
    );
  }
  const goalTable = goalRows.map((g) => [
    g.goal,
    g.target,
    g.measured,
    g.met === undefined ? '-' : g.met ? 'yes' : 'NO',
  ]);
  process.stdout.write(`\n${formatTable(['goal', 'target', 'measured', 'met'], goalTable)}\n`);
}

/**
 * A figure with the CPU time this process spent on it (user + system). Wall rates swing with whatever else runs on
 * a shared machine; CPU per record does much less. Peers that work in another process (nats-server) show only
 * their client's share.
 */
type LogMeasurement = Measurement & { cpuUs: number };

async function timedWithCpu<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number; cpuUs: number }> {
  const before = process.cpuUsage();
  const { result, ms } = await timed(fn);
  const cpu = process.cpuUsage(before);
  return { result, ms, cpuUs: cpu.user + cpu.system };
}

/** RecordBatch v2 with null keys: 61 bytes of header, about 9 bytes of framing per record plus the value. */
function estimateBatchBytes(w: Workload): number {
  return 61 + w.batchSize * (w.valueSize + 9);
}

/** Rows grouped by case, each with sluice's speed divided by the subject's. */
function measurementTable(results: LogMeasurement[]): [string[], string[][]] {
  const rows: string[][] = [];
  for (const c of new Set(results.map((m) => m.case))) {
    const group = results.filter((m) => m.case === c);
    const ours = group.find((m) => m.subject === 'sluice');
    group.forEach((m, i) => {
      const ratio = ours && m !== ours ? `${(recordsPerSec(ours) / recordsPerSec(m)).toFixed(2)}×` : '';
      rows.push([
        i === 0 ? c : '',
        m.subject,
        human(recordsPerSec(m)),
        mbPerSec(m).toFixed(0),
        (m.cpuUs / m.records).toFixed(3),
        ratio,
        m.note ?? '',
      ]);
    });
  }
  return [['case', 'subject', 'records/s', 'MB/s', 'CPU µs/record', 'sluice ÷ it', 'note'], rows];
}
