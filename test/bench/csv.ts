/**
 * `npm run bench -- csv [--rows 1000000] [--rss-mb 2048] [--json]`: the CSV connectors through the Connect runtime
 * on the embedded log, beside their ceiling in the same run. The connectors run as users run them, in a
 * `sluice connect standalone` worker from dist/ (rebuilt first when stale), created one after another over its
 * REST API; the worker's CPU time is read per thread from /proc, so that each case prints the CPU µs per row of
 * its stages (the task's thread, the source's parsing thread, the rest: garbage collection, file-system pool),
 * and the worker's peak RSS (VmHWM) after each case.
 *
 * - source: a file of N rows × 10 columns → topic through the `csv` connector with inferred types, timed until
 *   its finite task has finished (every record durable, offsets committed); ceiling: csv-parse alone streaming
 *   over the same file, in this process. Goal: ≥ 80% of its rows/s.
 * - sink: N JSON records of the file's cells as strings, appended before the worker starts (not timed) → the
 *   `csv-sink` connector, timed until its committed offsets cover every record. Goal: ≥ 300,000 rows/s. Then the
 *   same over the source's own topic (typed values and the source's three headers per record), the round trip.
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
import { type Client, connect } from '../../src/client/index.js';
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
import { clockTicks, ThreadCpu, WorkerProcess } from './worker.js';

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

/** Rows in the complete CSV files of a sink's output folder (each starts with a header row). */
async function rowsWritten(dir: string): Promise<{ rows: number; files: number }> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.csv'));
  let rows = 0;
  for (const name of names) {
    const text = await readFile(path.join(dir, name));
    let lines = 0;
    for (let p = text.indexOf(10); p !== -1; p = text.indexOf(10, p + 1)) lines++;
    rows += lines - 1;
  }
  return { rows, files: names.length };
}

interface StageResult extends Measurement {
  cpuUs: number;
  /** CPU µs per row of each stage, by name. */
  stages: Record<string, number>;
  peakRss?: number;
}

export async function run(args: string[]): Promise<void> {
  const phase = flag(args, 'rss-phase');
  if (phase === 'parse') return parsePhase(flag(args, 'dir')!);
  const rssMb = flag(args, 'rss-mb');
  if (rssMb !== undefined) return runRss(Number(rssMb), args);
  const rows = Number(flag(args, 'rows') ?? 1_000_000);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-bench-csv-'));
  const loadBefore = os.loadavg()[0] ?? 0;
  const ticks = clockTicks();
  try {
    const input = path.join(dir, 'input');
    const file = path.join(input, 'rows.csv');
    await mkdir(input);
    await mkdir(path.join(dir, 'empty'));
    await writeCsv(file, rows);
    const bytes = (await stat(file)).size;
    const label = `${human(rows)} rows × ${COLUMNS.length} columns`;
    await ensureDist();

    const ceiling = await timedCpu(() => parseOnly(file));
    if (ceiling.result !== rows) throw new Error(`csv-parse read ${ceiling.result} rows, expected ${rows}`);

    // The sink's input of JSON records (strings, as the schemaless JSON of the file's cells), written before the
    // worker opens the log: one process writes a log at a time.
    const logDir = path.join(dir, 'log');
    const filling = await connect({ log: { dir: logDir } });
    const jsonBytes = await fillTopic(filling, 'json-rows', rows);
    await filling.close();

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
      // A connector is required to start: one over an empty folder, which also loads the csv connector.
      [
        'name=warmup',
        'connector.class=csv',
        'topic=warmup',
        `input.path=${path.join(dir, 'empty')}`,
        'input.finite=true',
        'input.claim=offsets',
        'cleanup.policy=none',
      ],
    );
    const pid = worker.child.pid!;
    const cpu = new ThreadCpu(pid, ticks);
    const results: StageResult[] = [];
    try {
      const timedStage = async (
        subject: string,
        caseLabel: string,
        recordBytes: number,
        go: () => Promise<void>,
        stageNames: { main: string; started?: string; other: string },
      ) => {
        const before = await cpu.sample();
        const { ms } = await timed(go);
        const after = await cpu.sample();
        const split = cpu.split(before, after);
        const stages: Record<string, number> = { [stageNames.main]: split.main / rows };
        if (stageNames.started) stages[stageNames.started] = split.started / rows;
        stages[stageNames.other] = (stageNames.started ? split.other : split.other + split.started) / rows;
        results.push({
          case: caseLabel,
          subject,
          records: rows,
          bytes: recordBytes,
          ms,
          cpuUs: split.total,
          stages,
          peakRss: await peakRss(pid),
        });
      };

      // The source's default (csv.parse.thread=auto) parses on a thread only while a core is free, by the load
      // average when it opens the file: the first case is that default, the second the other way.
      const autoThread = (os.loadavg()[0] ?? 0) < os.availableParallelism() - 0.5;
      const source = async (name: string, topic: string, subject: string, mode: Record<string, string>) =>
        timedStage(
          subject,
          `${label} (${mb(bytes)})`,
          bytes,
          () =>
            worker.runUntil(
              name,
              {
                'connector.class': 'csv',
                topic,
                'input.path': input,
                'input.finite': true,
                'input.claim': 'offsets',
                'cleanup.policy': 'none',
                ...mode,
              },
              () => worker.finished(name),
            ),
          { main: 'task thread', started: 'parsing thread', other: 'other threads' },
        );
      await source(
        'csv-source',
        'csv-rows',
        `csv source → topic (inferred types; default: ${autoThread ? 'on a parsing thread' : 'inline at this load'})`,
        {},
      );
      await source(
        'csv-source-other',
        'csv-rows-other',
        `csv source → topic (inferred types; csv.parse.thread=${autoThread ? 'never' : 'always'})`,
        { 'csv.parse.thread': autoThread ? 'never' : 'always' },
      );
      const sinkInto = async (name: string, topic: string, subject: string, caseLabel: string, b: number) => {
        await timedStage(
          subject,
          caseLabel,
          b,
          () =>
            worker.runUntil(
              name,
              { 'connector.class': 'csv-sink', topics: topic, 'output.path': path.join(dir, name) },
              async () => (await worker.committed(name)) >= rows,
            ),
          { main: 'task thread', other: 'other threads' },
        );
      };
      await sinkInto(
        'csv-out',
        'json-rows',
        'topic → csv-sink (until lag 0)',
        `${label}, JSON of strings`,
        jsonBytes,
      );
      await sinkInto(
        'csv-round',
        'csv-rows',
        'csv-rows → csv-sink (until lag 0)',
        `${label}, as the source wrote them`,
        bytes,
      );
    } finally {
      await cpu.stop();
    }
    const workerPeak = await peakRss(pid);
    await worker.stop();

    // What the worker wrote, checked once it has let go of the log.
    const client = await connect({ log: { dir: logDir } });
    try {
      for (const topic of ['csv-rows', 'csv-rows-other']) {
        const sourced = (await client.admin().partitionOffsets(topic)).reduce(
          (n, p) => n + p.highWatermark - p.logStartOffset,
          0,
        );
        if (sourced !== rows)
          throw new Error(`csv source wrote ${sourced} rows to ${topic}, expected ${rows}`);
      }
    } finally {
      await client.close();
    }
    for (const [i, name] of ['csv-out', 'csv-round'].entries()) {
      const out = await rowsWritten(path.join(dir, name));
      if (out.rows !== rows) throw new Error(`csv-sink ${name} wrote ${out.rows} rows, expected ${rows}`);
      results[i + 2]!.note = `${out.files} file(s)`;
    }

    const all: StageResult[] = [
      {
        case: `${label} (${mb(bytes)})`,
        subject: 'csv-parse alone (ceiling)',
        records: rows,
        bytes,
        ms: ceiling.ms,
        cpuUs: ceiling.cpuUs,
        stages: {},
      },
      ...results,
    ];
    const cpuPerRow = (m: { cpuUs: number; records: number }) => m.cpuUs / m.records;
    const sourceRatio = recordsPerSec(all[1]!) / recordsPerSec(all[0]!);
    const sourceCpuRatio = cpuPerRow(all[0]!) / cpuPerRow(all[1]!);
    const sinkRowsPerSec = recordsPerSec(all[3]!);
    const otherRatio = recordsPerSec(all[2]!) / recordsPerSec(all[0]!);
    const otherCpuRatio = cpuPerRow(all[0]!) / cpuPerRow(all[2]!);
    const loadAfter = os.loadavg()[0] ?? 0;
    if (wantsJson(args)) {
      process.stdout.write(
        `${JSON.stringify({ results: all, sourceRatio, sourceCpuRatio, otherRatio, otherCpuRatio, sinkRowsPerSec, peakRssBytes: workerPeak, loadBefore, loadAfter })}\n`,
      );
      return;
    }
    const table = all.map((m) => [
      m.subject,
      human(recordsPerSec(m)),
      mbPerSec(m).toFixed(1),
      (m.ms / 1000).toFixed(2),
      cpuPerRow(m).toFixed(2),
      Object.entries(m.stages)
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(', '),
      m.peakRss !== undefined ? mb(m.peakRss) : '',
      m.note ?? '',
    ]);
    process.stdout.write(
      `${label}; the connectors run in a \`sluice connect standalone\` worker from dist/\n\n`,
    );
    process.stdout.write(
      `${formatTable(['subject', 'rows/s', 'MiB/s', 'seconds', 'CPU µs/row', 'CPU µs/row by stage', 'worker peak RSS', 'note'], table)}\n\n`,
    );
    process.stdout.write(
      `csv source reaches ${(sourceRatio * 100).toFixed(0)}% of csv-parse's rows/s (goal ≥ 80%); ` +
        `per CPU second, ${(sourceCpuRatio * 100).toFixed(0)}%; the other way ${(otherRatio * 100).toFixed(0)}% ` +
        `and ${(otherCpuRatio * 100).toFixed(0)}%\n` +
        `csv sink: ${human(sinkRowsPerSec)} rows/s (goal ≥ 300k)\n` +
        `worker peak RSS ${mb(workerPeak)} (goal < 200 MB)\n` +
        `load average ${loadBefore.toFixed(1)} before the run, ${loadAfter.toFixed(1)} after, on ${os.cpus().length} cores\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
