/**
 * `npm run bench -- csv [--rows 1000000] [--rss-mb 2048] [--json]`: the CSV connectors through the Connect runtime
 * on the embedded log, beside their ceiling in the same run.
 *
 * - source: a file of N rows × 10 columns → topic through the `csv` connector with inferred types, timed until
 *   the finite task finishes; ceiling: csv-parse alone streaming over the same file. Goal: ≥ 60% of its rows/s.
 * - sink: N JSON records already in a topic (appended first, not timed) → the `csv-sink` connector, timed until its
 *   consumer group `connect-<name>` has lag 0. Goal: ≥ 300,000 rows/s.
 *
 * `--rss-mb <MB>` measures memory instead: a generated file of that size streams through the source into a topic,
 * run as users run it, `sluice run <pipeline> --until-done` from dist/ (rebuilt first when stale), whose peak RSS
 * (VmHWM) is reported against the goal of 200 MiB for a 2 GiB file; csv-parse alone over the same file, in a
 * process of its own, gives the ceiling's throughput and its RSS.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import { builtinConnectors } from '../../connectors/index.js';
import { type Client, connect } from '../../src/client/index.js';
import { parseWorkerConfig, Worker } from '../../src/connect/runtime/index.js';
import { ensureDist, peakRss, sluiceBin } from './dist.js';
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

const COLUMNS = ['id', 'name', 'email', 'amount', 'quantity', 'active', 'score', 'city', 'code', 'note'];

/** One row of mixed types, so that inference sees longs, doubles, booleans and strings. */
function row(i: number): string {
  return [
    i,
    `user${i}`,
    `user${i}@example.com`,
    ((i % 100000) / 100).toFixed(2),
    i % 97,
    i % 2 === 0 ? 'true' : 'false',
    (i * 0.37) % 1000,
    `city-${i % 500}`,
    `C${(i % 65536).toString(16).padStart(4, '0')}`,
    `note number ${i % 1000}`,
  ].join(',');
}

/** Writes rows until the file holds at least `bytes`; returns the row count. */
async function writeCsvOfSize(file: string, bytes: number): Promise<number> {
  const out = createWriteStream(file);
  let written = 0;
  let rows = 0;
  let chunk = `${COLUMNS.join(',')}\n`;
  while (written + chunk.length < bytes) {
    for (let i = 0; i < 10_000; i++) chunk += `${row(rows++)}\n`;
    written += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    chunk = '';
  }
  out.end(chunk);
  await new Promise<void>((r) => out.once('finish', () => r()));
  return rows;
}

async function writeCsv(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  const chunk: string[] = [COLUMNS.join(',')];
  for (let i = 0; i < rows; i++) {
    chunk.push(row(i));
    if (chunk.length === 10_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk.length = 0;
    }
  }
  out.end(chunk.length > 0 ? `${chunk.join('\n')}\n` : '');
  await new Promise<void>((r) => out.once('finish', () => r()));
}

/** The ceiling: csv-parse alone over the file, header skipped, each row as an array of strings. */
async function parseOnly(file: string): Promise<number> {
  let rows = 0;
  const parser = createReadStream(file).pipe(parse({ from_line: 2 }));
  for await (const _ of parser) rows++;
  return rows;
}

/** Appends `rows` JSON objects (the same rows as the file, as the JSON converter would read them) to `topic`. */
async function fillTopic(client: Client, topic: string, rows: number): Promise<number> {
  const producer = client.producer();
  let bytes = 0;
  const batch: { value: Buffer }[] = [];
  for (let i = 0; i < rows; i++) {
    const cells = row(i).split(',');
    const value = Buffer.from(JSON.stringify(Object.fromEntries(COLUMNS.map((c, j) => [c, cells[j]]))));
    bytes += value.length;
    batch.push({ value });
    if (batch.length === 5000 || i === rows - 1) {
      await producer.send(topic, batch.splice(0));
    }
  }
  await producer.flush();
  await producer.close();
  return bytes;
}

async function waitForLagZero(client: Client, group: string, topic: string, rows: number): Promise<void> {
  const admin = client.admin();
  for (;;) {
    const [group_] = await admin.describeGroups([group]).catch(() => [undefined]);
    const offsets = group_?.offsets.filter((o) => o.topic === topic) ?? [];
    const committed = offsets.reduce((n, o) => n + Math.max(o.committed, 0), 0);
    if (offsets.length > 0 && committed >= rows && offsets.every((o) => o.lag === 0)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/**
 * {@link timed}, with the CPU time this process spent (user + system, µs): on a busy machine wall rates fall with
 * the load, CPU per row much less so.
 */
async function timedCpu<T>(fn: () => Promise<T> | T): Promise<{ result: T; ms: number; cpuUs: number }> {
  const before = process.cpuUsage();
  const { result, ms } = await timed(fn);
  const cpu = process.cpuUsage(before);
  return { result, ms, cpuUs: cpu.user + cpu.system };
}
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Peak RSS over a stretch of the run, sampled every 50 ms. */
class RssPeak {
  peak = process.memoryUsage().rss;
  private readonly timer = setInterval(() => this.sample(), 50);
  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

/** The process's peak RSS so far: the kernel's high-water mark where there is one, else the sampled peak. */
async function highWaterMark(sampled: RssPeak): Promise<number> {
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return Math.max(sampled.stop(), kb ? Number(kb) * 1024 : 0);
}

/** The csv-parse phase of the memory run, in a process of its own so that its peak RSS is its own. */
async function parsePhase(dir: string): Promise<void> {
  const sampled = new RssPeak();
  const startRss = process.memoryUsage().rss;
  const { result: rows, ms } = await timed(() => parseOnly(path.join(dir, 'input', 'rows.csv')));
  const peakRss = await highWaterMark(sampled);
  process.stdout.write(`${JSON.stringify({ rows, ms, startRss, peakRss })}\n`);
}

interface PhaseResult {
  rows: number;
  ms: number;
  startRss: number;
  peakRss: number;
}

async function parseInChild(dir: string): Promise<PhaseResult> {
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', main, 'csv', '--rss-phase', 'parse', '--dir', dir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`the parse phase exited with ${code}`);
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

/**
 * The source phase as users run it: `sluice run <pipeline> --until-done` from dist/, a csv source into a topic.
 * Its peak RSS is the kernel's high-water mark, read from /proc while it runs (it only grows, so the last read
 * before the process exits is its peak but for the last 50 ms). The rows are counted in the topic afterwards.
 */
async function sourceWithCli(dir: string): Promise<PhaseResult> {
  const pipeline = path.join(dir, 'pipeline.yaml');
  // JSON is YAML.
  await writeFile(
    pipeline,
    JSON.stringify({
      name: 'csv-rss',
      'until-done': true,
      log: { dir: path.join(dir, 'log') },
      sources: [
        {
          name: 'csv-source',
          connector: 'csv',
          topic: 'csv-rows',
          config: {
            'input.path': path.join(dir, 'input'),
            'input.finite': true,
            'input.claim': 'offsets',
            'cleanup.policy': 'none',
          },
        },
      ],
    }),
  );
  const started = performance.now();
  const child = spawn(process.execPath, [sluiceBin, 'run', pipeline, '--until-done', '--json'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // Its progress log is kept for when it fails.
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (log = (log + s).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let peak = 0;
  let done = false;
  void exited.then(() => (done = true));
  while (!done) {
    const now = await peakRss(child.pid!).catch(() => 0);
    if (now > peak) peak = now;
    await new Promise((r) => setTimeout(r, 50));
  }
  const ms = performance.now() - started;
  const code = await exited;
  if (code !== 0) throw new Error(`sluice run exited with ${code}:\n${log}`);
  const client = await connect({ log: { dir: path.join(dir, 'log') } });
  try {
    const rows = (await client.admin().partitionOffsets('csv-rows')).reduce(
      (n, p) => n + p.highWatermark - p.logStartOffset,
      0,
    );
    // Its RSS at start is that of node before loading anything: not worth a column.
    return { rows, ms, startRss: Number.NaN, peakRss: peak };
  } finally {
    await client.close();
  }
}

async function runRss(megabytes: number, args: string[]): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-bench-csv-rss-'));
  try {
    const input = path.join(dir, 'input');
    const file = path.join(input, 'rows.csv');
    await mkdir(input);
    const rows = await writeCsvOfSize(file, megabytes * 1024 * 1024);
    const bytes = (await stat(file)).size;
    const label = `${human(rows)} rows × ${COLUMNS.length} columns (${mb(bytes)})`;
    await ensureDist();
    const parse = await parseInChild(dir);
    if (parse.rows !== rows) throw new Error(`csv-parse read ${parse.rows} rows, expected ${rows}`);
    const source = await sourceWithCli(dir);
    if (source.rows !== rows) throw new Error(`csv source wrote ${source.rows} rows, expected ${rows}`);
    const results = [
      { subject: 'csv-parse alone (ceiling)', ...parse },
      { subject: 'sluice run: csv source → topic (inferred types)', ...source },
    ].map((r) => ({ case: label, records: r.rows, bytes, ...r }));
    if (wantsJson(args)) {
      process.stdout.write(`${JSON.stringify({ results, goalBytes: 200 * 1024 * 1024 })}\n`);
      return;
    }
    const table = results.map((m) => [
      m.subject,
      human(recordsPerSec(m)),
      mbPerSec(m).toFixed(1),
      (m.ms / 1000).toFixed(1),
      Number.isNaN(m.startRss) ? '-' : mib(m.startRss),
      mib(m.peakRss),
    ]);
    process.stdout.write(`${label}, each in a process of its own\n\n`);
    process.stdout.write(
      `${formatTable(['subject', 'rows/s', 'MiB/s', 'seconds', 'RSS at start', 'peak RSS'], table)}\n\n`,
    );
    process.stdout.write(
      `peak RSS (VmHWM) of \`sluice run\` with the csv source over ${mb(bytes)}: ${mib(source.peakRss)} ` +
        `(goal < 200 MiB for a 2 GiB file)\n` +
        `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<void> {
  const phase = flag(args, 'rss-phase');
  if (phase === 'parse') return parsePhase(flag(args, 'dir')!);
  const rssMb = flag(args, 'rss-mb');
  if (rssMb !== undefined) return runRss(Number(rssMb), args);
  const rows = Number(flag(args, 'rows') ?? 1_000_000);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-bench-csv-'));
  const loadBefore = os.loadavg()[0];
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  try {
    const input = path.join(dir, 'input');
    const file = path.join(input, 'rows.csv');
    await mkdir(input);
    await writeCsv(file, rows);
    const bytes = (await stat(file)).size;
    const label = `${human(rows)} rows × ${COLUMNS.length} columns`;

    const ceiling = await timedCpu(() => parseOnly(file));
    if (ceiling.result !== rows) throw new Error(`csv-parse read ${ceiling.result} rows, expected ${rows}`);

    const client = await connect({ log: { dir: path.join(dir, 'log') } });
    const config = parseWorkerConfig({
      'rest.enable': false,
      'offset.flush.interval.ms': 200,
      'key.converter': 'json',
      'value.converter': 'json',
      'value.converter.schemas.enable': false,
    });
    const worker = await Worker.start({ client, config, plugins: builtinConnectors, logger: silent });

    const source = await timedCpu(async () => {
      await worker.create({
        name: 'csv-source',
        'connector.class': 'csv',
        topic: 'csv-rows',
        'input.path': input,
        'input.finite': true,
        'input.claim': 'offsets',
        'cleanup.policy': 'none',
      });
      await worker.finished('csv-source');
    });
    const sourcedRows = (await client.admin().partitionOffsets('csv-rows')).reduce(
      (n, p) => n + p.highWatermark - p.logStartOffset,
      0,
    );
    if (sourcedRows !== rows) throw new Error(`csv source wrote ${sourcedRows} rows, expected ${rows}`);

    const jsonBytes = await fillTopic(client, 'json-rows', rows);
    const output = path.join(dir, 'output');
    const sink = await timedCpu(async () => {
      await worker.create({
        name: 'csv-out',
        'connector.class': 'csv-sink',
        topics: 'json-rows',
        'output.path': output,
      });
      await waitForLagZero(client, 'connect-csv-out', 'json-rows', rows);
    });
    const written = (await readdir(output)).length;
    await worker.close();
    await client.close();
    clearInterval(sampler);

    const results: (Measurement & { cpuUs: number })[] = [
      {
        case: `${label} (${mb(bytes)})`,
        subject: 'csv-parse alone (ceiling)',
        records: rows,
        bytes,
        ms: ceiling.ms,
        cpuUs: ceiling.cpuUs,
      },
      {
        case: `${label} (${mb(bytes)})`,
        subject: 'sluice csv source → topic (inferred types)',
        records: rows,
        bytes,
        ms: source.ms,
        cpuUs: source.cpuUs,
      },
      {
        case: `${label} JSON records`,
        subject: 'sluice topic → csv-sink (until lag 0)',
        records: rows,
        bytes: jsonBytes,
        ms: sink.ms,
        cpuUs: sink.cpuUs,
        note: `${written} file(s)`,
      },
    ];
    const sourceRatio = recordsPerSec(results[1]!) / recordsPerSec(results[0]!);
    const cpuPerRow = (m: { cpuUs: number; records: number }) => m.cpuUs / m.records;
    const sourceCpuRatio = cpuPerRow(results[0]!) / cpuPerRow(results[1]!);
    const sinkRowsPerSec = recordsPerSec(results[2]!);
    if (wantsJson(args)) {
      process.stdout.write(
        `${JSON.stringify({ results, sourceRatio, sourceCpuRatio, sinkRowsPerSec, peakRssBytes: peakRss, loadBefore, loadAfter: os.loadavg()[0] })}\n`,
      );
      return;
    }
    const table = results.map((m) => [
      m.subject,
      human(recordsPerSec(m)),
      mbPerSec(m).toFixed(1),
      (m.ms / 1000).toFixed(2),
      cpuPerRow(m).toFixed(2),
      m.note ?? '',
    ]);
    process.stdout.write(`${label}\n\n`);
    process.stdout.write(
      `${formatTable(['subject', 'rows/s', 'MiB/s', 'seconds', 'CPU µs/row', 'note'], table)}\n\n`,
    );
    process.stdout.write(
      `csv source reaches ${(sourceRatio * 100).toFixed(0)}% of csv-parse's rows/s (goal ≥ 60%); ` +
        `per CPU second, ${(sourceCpuRatio * 100).toFixed(0)}%\n` +
        `csv sink: ${human(sinkRowsPerSec)} rows/s (goal ≥ 300k)\n` +
        `peak RSS ${mb(peakRss)}\n` +
        `load average ${loadBefore.toFixed(1)} before the run, ${os.loadavg()[0].toFixed(1)} after, on ${os.cpus().length} cores\n`,
    );
  } finally {
    clearInterval(sampler);
    await rm(dir, { recursive: true, force: true });
  }
}
