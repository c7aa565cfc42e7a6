/**
 * `npm run bench -- pipeline [--rows N] [--json]`: the quickstart pipeline over N generated order rows (default
 * 1,000,000), end to end with the compiled `sluice run --until-done` on the embedded log (every record durable in
 * three topics; its CPU time and peak RSS read from /proc), against the ceiling: the same transformation as a plain Node script reading and writing the files
 * directly (csv-parse → filter and compute → aggregate per region and hour → csv-stringify).
 *
 * Then each stage of the quickstart alone, as its own `sluice run --until-done` of a pipeline made from the
 * quickstart's own YAML (so a regression points at its layer): the CSV source into a fresh log; the `clean` stream
 * over the `orders-raw` the full run wrote; the `revenue` stream over its `orders-clean`. Each stage's CPU µs is
 * per record it read, less the CPU of starting a run (a run of a pipeline with nothing to read). `--no-stages`
 * skips them.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
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
      // A process that just exited has no VmHWM left to read (NaN).
      const now = await peakRss(child.pid!);
      if (Number.isFinite(now)) rss = Math.max(rss, now);
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

interface Stage {
  name: string;
  /** The records the stage reads, for its CPU per record. */
  records: number;
  cpuMicros: number;
  ms: number;
  peakRss: number;
}

/** A pipeline of one part of the quickstart, as YAML, on the log in `logDir`. */
async function quickstartPart(
  part: 'source' | 'clean' | 'revenue' | 'nothing',
  logDir: string,
  input: string,
): Promise<string> {
  const quickstart = parseYaml(await readFile(join(root, 'pipelines/quickstart.yaml'), 'utf8')) as {
    sources: { config: Record<string, unknown> }[];
    streams: { name: string; from: string; to: string }[];
  };
  const log = { dir: logDir };
  if (part === 'source' || part === 'nothing') {
    const source = quickstart.sources[0]!;
    const config: Record<string, unknown> = { ...source.config, 'input.path': input };
    if (part === 'nothing') config['input.file.pattern'] = 'nothing-*.csv';
    return stringifyYaml({
      name: `bench-${part}`,
      'until-done': true,
      log,
      sources: [{ ...source, config }],
    });
  }
  const stream = quickstart.streams[part === 'clean' ? 0 : 1]!;
  return stringifyYaml({
    name: `bench-${part}`,
    'until-done': true,
    log,
    topics: { [stream.from]: {} },
    // A new name: a new application id, reading its input from the start.
    streams: [{ ...stream, name: `${stream.name}-alone`, to: `${stream.to}-alone` }],
  });
}

/** Runs one part of the quickstart alone; `records` is what it reads. */
async function runPart(
  dir: string,
  part: 'source' | 'clean' | 'revenue' | 'nothing',
  logDir: string,
  input: string,
  records: number,
): Promise<Stage> {
  const file = join(dir, `${part}.yaml`);
  await writeFile(file, await quickstartPart(part, logDir, input));
  const run = await timed(() => runSluice(['run', file, '--until-done', '--json'], {}));
  if (run.result.code !== 0) throw new Error(`the ${part} stage failed: ${run.result.stderr.slice(-2000)}`);
  return { name: part, records, cpuMicros: run.result.cpuMicros, ms: run.ms, peakRss: run.result.peakRss };
}

/** Each stage alone, on copies of the log the full run left (so none changes what another reads). */
async function stages(
  dir: string,
  input: string,
  logDir: string,
  rows: number,
  paid: number,
): Promise<Stage[]> {
  const copy = async (name: string) => {
    const to = join(dir, name);
    await cp(logDir, to, { recursive: true });
    return to;
  };
  const start = await runPart(dir, 'nothing', join(dir, 'log-nothing'), input, 1);
  const out = [
    await runPart(dir, 'source', join(dir, 'log-source'), input, rows),
    await runPart(dir, 'clean', await copy('log-clean'), input, rows),
    await runPart(dir, 'revenue', await copy('log-revenue'), input, paid),
  ];
  for (const s of out) s.cpuMicros = Math.max(0, s.cpuMicros - start.cpuMicros);
  return [start, ...out];
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
    const summary = JSON.parse(sluice.result.stdout.trim().split('\n').pop()!) as {
      recordsIn: number;
      components: { name: string; records: number }[];
    };
    if (summary.recordsIn !== rows)
      throw new Error(`sluice read ${summary.recordsIn} rows, expected ${rows}`);
    const paid = summary.components.find((c) => c.name === 'revenue')?.records ?? 0;
    const parts = args.includes('--no-stages') ? [] : await stages(dir, input, join(dir, 'log'), rows, paid);
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
        `${JSON.stringify({ results, ratio, cpuMicrosPerRow: cpuPerRow, peakRssBytes: sluice.result.peakRss, stages: parts })}\n`,
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
    if (parts.length === 0) return;
    const about: Record<string, string> = {
      nothing: 'starting a run: a pipeline with nothing to read (subtracted from the others)',
      source: 'csv source: file → orders-raw (parse, type, JSON, headers, log)',
      clean: 'clean stream: orders-raw → filter, map → orders-clean',
      revenue: 'revenue stream: orders-clean → key, hourly window aggregate → revenue-by-region',
    };
    const stageRows = parts.map((p) => [
      about[p.name] ?? p.name,
      p.name === 'nothing' ? '-' : human(p.records),
      `${(p.ms / 1000).toFixed(1)} s`,
      p.name === 'nothing' ? `${(p.cpuMicros / 1e6).toFixed(2)} s` : (p.cpuMicros / p.records).toFixed(2),
      `${(p.peakRss / 2 ** 20).toFixed(0)} MB`,
    ]);
    process.stdout.write(
      `\n${formatTable(['each stage alone', 'records read', 'time', 'CPU µs/record', 'peak RSS'], stageRows)}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
