/**
 * `npm run bench -- pipeline [--rows N] [--json]`: the quickstart pipeline over N generated order rows (default
 * 1,000,000), end to end with the compiled `sluice run --until-done` on the embedded log (every record durable in
 * three topics; its CPU time and peak RSS read from /proc), against the ceiling: the same transformation as a plain Node script reading and writing the files
 * directly (csv-parse → filter and compute → aggregate per region and hour → csv-stringify).
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { ensureDist, peakRss, root, sluiceBin } from './dist.js';
import { flag, formatTable, human, type Measurement, recordsPerSec, timed, wantsJson } from './report.js';

const REGIONS = ['eu-west', 'us-east', 'ap-south'];
const STATUSES = ['paid', 'paid', 'paid', 'pending', 'refunded'];
const HOUR = 3_600_000;

/** The CPU time (user + system) a live process has used so far, in µs (/proc/<pid>/stat, clock ticks of 10 ms). */
async function cpuMicros(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/**
 * Runs the compiled CLI (bin/sluice.js over dist/, as `npx sluice`), reading its peak RSS and CPU time from /proc
 * while it runs: the last reading, at most 50 ms before it exits.
 */
async function runSluice(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string; peakRss: number; cpuMicros: number }> {
  const child = spawn(process.execPath, [sluiceBin, ...args], { cwd: root, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-100_000);
  });
  let rss = 0;
  let cpu = 0;
  const sample = async () => {
    try {
      rss = Math.max(rss, await peakRss(child.pid!));
      cpu = await cpuMicros(child.pid!);
    } catch {
      // Exited between two readings.
    }
  };
  const timer = setInterval(() => void sample(), 50);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearInterval(timer);
  return { code, stdout, stderr, peakRss: rss, cpuMicros: cpu };
}

/** Writes `rows` orders, one per 2 s of event time, in the quickstart's CSV layout. */
async function generate(file: string, rows: number): Promise<number> {
  const out = createWriteStream(file);
  let bytes = 0;
  const write = (s: string) => {
    bytes += s.length;
    return out.write(s);
  };
  write('order_id,ts,customer,region,product,quantity,unit_price,status\n');
  const t0 = Date.UTC(2026, 0, 1);
  for (let i = 0; i < rows; i++) {
    const line =
      `${i + 1},${new Date(t0 + i * 2000).toISOString()},c${i % 97},${REGIONS[i % 3]},p${i % 11},` +
      `${(i % 7) + 1},${((i % 13) + 1).toFixed(2)},${STATUSES[i % 5]}\n`;
    if (!write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return bytes;
}

/** The ceiling: the quickstart's transformation with no log in between. */
async function plainScript(input: string, output: string): Promise<number> {
  const windows = new Map<string, { orders: number; revenue: number; biggest: number }>();
  let rows = 0;
  await pipeline(
    createReadStream(input),
    parse({ columns: true }),
    async (source: AsyncIterable<Record<string, string>>) => {
      for await (const r of source) {
        rows++;
        if (r.status !== 'paid') continue;
        const amount = Math.round(Number(r.quantity) * Number(r.unit_price) * 100) / 100;
        const start = Math.floor(Date.parse(r.ts!) / HOUR) * HOUR;
        const key = `${r.region}\u0000${start}`;
        const w = windows.get(key) ?? { orders: 0, revenue: 0, biggest: 0 };
        w.orders++;
        w.revenue += amount;
        w.biggest = Math.max(w.biggest, amount);
        windows.set(key, w);
      }
    },
  );
  const rowsOut = [...windows].map(([k, w]) => {
    const [region, start] = k.split('\u0000') as [string, string];
    const s = Number(start);
    return [
      region,
      new Date(s).toISOString(),
      new Date(s + HOUR).toISOString(),
      w.orders,
      Math.round(w.revenue * 100) / 100,
      w.biggest,
    ];
  });
  await pipeline(
    stringify(rowsOut, { header: true, columns: ['key', 'start', 'end', 'orders', 'revenue', 'biggest'] }),
    createWriteStream(output),
  );
  return rows;
}

export async function run(args: string[]): Promise<void> {
  const rows = Number(flag(args, 'rows') ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-pipeline-'));
  try {
    const input = join(dir, 'input');
    await mkdir(input);
    const bytes = await generate(join(input, 'orders-bench.csv'), rows);
    const plainCpu = process.cpuUsage();
    const plain = await timed(() => plainScript(join(input, 'orders-bench.csv'), join(dir, 'plain.csv')));
    const plainUsed = process.cpuUsage(plainCpu);
    const plainCpuMicros = plainUsed.user + plainUsed.system;
    await ensureDist();
    const sluice = await timed(() =>
      runSluice(['run', 'pipelines/quickstart.yaml', '--until-done', '--json'], {
        SLUICE_QUICKSTART_DIR: join(dir, 'log'),
        SLUICE_QUICKSTART_INPUT: input,
      }),
    );
    if (sluice.result.code !== 0) throw new Error(`sluice run failed: ${sluice.result.stderr.slice(-2000)}`);
    const summary = JSON.parse(sluice.result.stdout.trim().split('\n').pop()!) as { recordsIn: number };
    if (summary.recordsIn !== rows)
      throw new Error(`sluice read ${summary.recordsIn} rows, expected ${rows}`);
    const results: Measurement[] = [
      {
        case: `quickstart, ${human(rows)} rows`,
        subject: 'sluice run --until-done',
        records: rows,
        bytes,
        ms: sluice.ms,
        note: `process start included; 3 topics durable; peak RSS ${(sluice.result.peakRss / 2 ** 20).toFixed(0)} MB`,
      },
      {
        case: `quickstart, ${human(rows)} rows`,
        subject: 'plain Node script (ceiling)',
        records: plain.result,
        bytes,
        ms: plain.ms,
      },
    ];
    const cpuPerRow = [sluice.result.cpuMicros / rows, plainCpuMicros / rows];
    const ratio = recordsPerSec(results[0]!) / recordsPerSec(results[1]!);
    if (wantsJson(args)) {
      process.stdout.write(
        `${JSON.stringify({ results, ratio, cpuMicrosPerRow: cpuPerRow, peakRssBytes: sluice.result.peakRss })}\n`,
      );
      return;
    }
    const table = results.map((m, i) => [
      m.case,
      m.subject,
      `${human(recordsPerSec(m))} rows/s`,
      `${(m.ms / 1000).toFixed(1)} s`,
      cpuPerRow[i]!.toFixed(2),
      m.note ?? '',
    ]);
    process.stdout.write(
      `${formatTable(['case', 'subject', 'throughput', 'time', 'CPU µs/row', 'note'], table)}\n`,
    );
    process.stdout.write(
      `sluice / ceiling: ${(ratio * 100).toFixed(1)}% by wall time (goal ≥ 50%), ` +
        `${((cpuPerRow[1]! / cpuPerRow[0]!) * 100).toFixed(1)}% by CPU time\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
