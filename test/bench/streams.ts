/**
 * `npm run bench -- streams`: word count over 1,000,000 lines of 10 words (100,000 with `--quick`), log to log,
 * counts kept in a state store backed by a changelog topic, at_least_once, one app instance. Cases:
 *
 * - `one partition`: a single input partition, so the words need no repartition topic.
 * - `repartition`: Kafka's word count as written: the words go through a repartition topic.
 * - `emit on commit`: the store emits the latest count of each word updated since the last commit (Kafka's
 *   record cache); `emit changes` (with `--changes`) emits every update: ten million output records.
 * - `acks=all` waits for fsync before committing input offsets; `acks=1` for the append (Kafka's own default
 *   durability without replication: the page cache).
 * - `plain loop (ceiling)`: the same count by a loop over the decoded lines in memory: no log, no operators.
 * - `the log alone`: each word appended to a one-partition topic (key and value the word, as the repartition topic
 *   holds them; acks=1) and read back, by the compiled log in this process, with only the log calls timed: the
 *   floor of the repartition case, which writes and reads every word through such a topic.
 *
 * The input is written to the log first; each case then runs the compiled app (dist/) in a child process of its
 * own, so its peak RSS is the app's alone (not the bench's input, nor an earlier case's heap), with the V8 flag
 * `sluice` runs with (`--heap-growing-percent=100`, docs/streams.md). `cpu s` is the CPU time the case used:
 * on a loaded machine it moves less than the wall time the rates are computed from.
 *
 * - `exactly_once`: the repartition case with one transaction per commit; the goal is at least 80% of the same
 *   case at_least_once, and the line after the table gives the ratio.
 *
 * `--json` prints JSON; `--only <text>` runs the cases whose name contains the text (the ceiling always runs).
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { connect } from '../../src/client/connect.js';
import { Serdes } from '../../src/streams/serdes.js';
import { ensureDist, root } from './dist.js';
import { flag, formatTable, human, wantsJson } from './report.js';

/** The compiled modules a case runs (dist/, as users run sluice), not the TypeScript sources through tsx. */
async function compiled() {
  const load = <T>(file: string): Promise<T> => import(pathToFileURL(join(root, 'dist/src', file)).href);
  const [client, operators, runtime, serdes] = await Promise.all([
    load<typeof import('../../src/client/connect.js')>('client/connect.js'),
    load<typeof import('../../src/streams/operators/index.js')>('streams/operators/index.js'),
    load<typeof import('../../src/streams/runtime/index.js')>('streams/runtime/index.js'),
    load<typeof import('../../src/streams/serdes.js')>('streams/serdes.js'),
  ]);
  return { connect: client.connect, ...operators, streams: runtime.streams, Serdes: serdes.Serdes };
}

interface Result {
  case: string;
  lines: number;
  ms: number;
  cpuMs: number;
  rssMb: number;
  outputs?: number;
}

const WORDS_PER_LINE = 10;
const VOCABULARY = 10_000;

interface CaseOptions {
  dir: string;
  lines: number;
  repartition: boolean;
  emit: 'changes' | 'on-commit';
  acks: 1 | 'all';
  guarantee?: 'at_least_once' | 'exactly_once';
}

/** Lines of random words (a fixed seed), `chunk` at a time, so that no more than a chunk is held at once. */
function* lineChunks(n: number, chunk: number): Generator<string[]> {
  const vocabulary = Array.from({ length: VOCABULARY }, (_, i) => `word${i.toString(36)}`);
  let seed = 42;
  for (let from = 0; from < n; from += chunk) {
    const lines: string[] = new Array(Math.min(chunk, n - from));
    for (let i = 0; i < lines.length; i++) {
      const words: string[] = new Array(WORDS_PER_LINE);
      for (let j = 0; j < WORDS_PER_LINE; j++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        words[j] = vocabulary[seed % VOCABULARY];
      }
      lines[i] = words.join(' ');
    }
    yield lines;
  }
}

/** Writes the input topic `lines` into a fresh log dir. */
async function writeInput(n: number, partitions: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-streams-'));
  const client = await connect({ log: { dir } });
  try {
    await client.admin().createTopics([{ name: 'lines', partitions }]);
    const producer = client.producer<null, string>({
      valueSerde: Serdes.string,
      'linger.ms': 20,
      'batch.size': 256 * 1024,
    });
    for (const lines of lineChunks(n, 10_000))
      await producer.send(
        'lines',
        lines.map((value) => ({ value })),
      );
    await producer.close();
  } finally {
    await client.close();
  }
  return dir;
}

/** A copy of the input log dir, so every case starts from the same input and no app state. */
async function copyOf(dir: string): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), 'sluice-bench-streams-'));
  await cp(dir, copy, { recursive: true });
  return copy;
}

/** Peak RSS while `fn` runs, sampled every 50 ms. */
async function withRss<T>(fn: () => Promise<T>): Promise<{ result: T; rssMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  try {
    const result = await fn();
    return { result, rssMb: Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20) };
  } finally {
    clearInterval(timer);
  }
}

/** One case, in this process: the word count app over the input in `options.dir`, until every word is counted. */
async function wordCount(options: CaseOptions): Promise<Omit<Result, 'case'>> {
  const {
    connect,
    streams,
    Serdes,
    flatMapValues,
    groupRecordsBy,
    selectKey,
    groupByKey,
    peek,
    countByKey,
    to,
  } = await compiled();
  const client = await connect({ log: { dir: options.dir } });
  try {
    let outputs = 0;
    const cpu = process.cpuUsage();
    const { result: ms, rssMb } = await withRss(async () => {
      const start = process.hrtime.bigint();
      const app = streams(client, {
        applicationId: 'wc',
        commitIntervalMs: 1000,
        acks: options.acks,
        guarantee: options.guarantee ?? 'at_least_once',
      });
      const words = app
        .stream<null, string>('lines', { value: Serdes.string })
        .pipe(flatMapValues((line) => line.split(' ')));
      let counted = 0;
      const grouped = options.repartition
        ? words.pipe(
            groupRecordsBy((_, word) => word, {
              name: 'words',
              serdes: { key: Serdes.string, value: Serdes.string },
            }),
          )
        : words.pipe(
            selectKey((_, word) => word),
            groupByKey(),
          );
      await app.start(
        grouped.pipe(
          peek(() => {
            counted++;
          }),
          countByKey({ store: 'counts', keySerde: Serdes.string, emit: options.emit }),
          to('counts', { key: Serdes.string, value: Serdes.long }),
        ),
      );
      const total = options.lines * WORDS_PER_LINE;
      while (counted < total) await new Promise((resolve) => setTimeout(resolve, 20));
      await app.commit();
      const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      await app.close();
      const offsets = await client.admin().partitionOffsets('counts');
      outputs = offsets.reduce((n, p) => n + p.highWatermark, 0);
      return elapsed;
    });
    const used = process.cpuUsage(cpu);
    return { lines: options.lines, ms, cpuMs: (used.user + used.system) / 1000, rssMb, outputs };
  } finally {
    await client.close();
  }
}

/** Runs one case in a child process (this file, run directly) and returns what it measured. */
async function inChild(options: CaseOptions): Promise<Omit<Result, 'case'>> {
  const file = fileURLToPath(import.meta.url);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    // The heap growth cap bin/sluice.js sets, as docs/streams.md tells apps to run.
    ['--heap-growing-percent=100', '--import', 'tsx', file, '--case', JSON.stringify(options)],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout);
}

/**
 * The log's own cost for the words of the repartition case: appended in batches of 1,000 words (key and value the
 * word's UTF-8 bytes) with acks=1, then read back. Only the log's calls are timed and counted; encoding the words
 * is not.
 */
async function logAlone(n: number): Promise<Result> {
  const { Log } = (await import(pathToFileURL(join(root, 'dist/src/log/index.js')).href)) as {
    Log: typeof import('../../src/log/index.js').Log;
  };
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-streams-log-'));
  let ms = 0;
  let cpuMicros = 0;
  const timedCall = async <T>(fn: () => Promise<T>): Promise<T> => {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    try {
      return await fn();
    } finally {
      ms += Number(process.hrtime.bigint() - start) / 1e6;
      const used = process.cpuUsage(cpu);
      cpuMicros += used.user + used.system;
    }
  };
  const { result: words, rssMb } = await withRss(async () => {
    const log = await Log.open({ dir });
    try {
      await log.createTopic('words', { partitions: 1 });
      let words = 0;
      for (const lines of lineChunks(n, 100)) {
        const records: { key: Buffer; value: Buffer }[] = [];
        for (const line of lines) {
          for (const word of line.split(' ')) {
            const bytes = Buffer.from(word);
            records.push({ key: bytes, value: bytes });
          }
        }
        await timedCall(() => log.append('words', 0, records, { acks: 1 }));
        words += records.length;
      }
      let offset = 0;
      let read = 0;
      for (;;) {
        const from = offset;
        const r = await timedCall(() => log.readRecords('words', 0, from, { maxBytes: 1 << 20 }));
        if (r.records.length === 0) break;
        read += r.records.length;
        offset = r.nextOffset;
      }
      if (read !== words) throw new Error(`the log alone read ${read} of ${words} words`);
      return words;
    } finally {
      await log.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
  if (words !== n * WORDS_PER_LINE) throw new Error(`the log alone wrote ${words} words`);
  return {
    case: 'the log alone: every word appended (acks=1) + read (floor of repartition)',
    lines: n,
    ms,
    cpuMs: cpuMicros / 1000,
    rssMb,
  };
}

async function plainLoop(n: number): Promise<Result> {
  // The decoded records, as a consumer would hand them over: the loop alone is timed.
  const records: { key: null; value: string; offset: number; timestamp: number }[] = [];
  for (const lines of lineChunks(n, 10_000)) {
    for (const value of lines) records.push({ key: null, value, offset: records.length, timestamp: 0 });
  }
  const cpu = process.cpuUsage();
  const { result: ms, rssMb } = await withRss(async () => {
    const start = process.hrtime.bigint();
    const counts = new Map<string, number>();
    for (const record of records) {
      for (const word of record.value.split(' ')) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    return Number(process.hrtime.bigint() - start) / 1e6;
  });
  const used = process.cpuUsage(cpu);
  return {
    case: 'plain loop over decoded lines (ceiling)',
    lines: n,
    ms,
    cpuMs: (used.user + used.system) / 1000,
    rssMb,
  };
}

export async function run(args: string[]): Promise<void> {
  await ensureDist();
  const n = args.includes('--quick') ? 100_000 : 1_000_000;
  const ceiling = await plainLoop(n);
  const cases: [string, Omit<CaseOptions, 'dir' | 'lines'>][] = [
    ['one partition, emit on commit, acks=all', { repartition: false, emit: 'on-commit', acks: 'all' }],
    ['repartition, emit on commit, acks=all', { repartition: true, emit: 'on-commit', acks: 'all' }],
    [
      'repartition, emit on commit, acks=all, exactly_once',
      { repartition: true, emit: 'on-commit', acks: 'all', guarantee: 'exactly_once' },
    ],
    ['repartition, emit on commit, acks=1', { repartition: true, emit: 'on-commit', acks: 1 }],
  ];
  // Ten million output records: only on request.
  if (args.includes('--changes')) {
    cases.push(['repartition, emit changes, acks=1', { repartition: true, emit: 'changes', acks: 1 }]);
  }
  const only = flag(args, 'only');
  const results: Result[] = [ceiling, await logAlone(n)];
  const dir = await writeInput(n, 1);
  try {
    for (const [name, options] of cases) {
      if (only !== undefined && !name.includes(only)) continue;
      const copy = await copyOf(dir);
      try {
        results.push({ case: name, ...(await inChild({ ...options, dir: copy, lines: n })) });
      } finally {
        await rm(copy, { recursive: true, force: true });
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (wantsJson(args)) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  const rows = results.map((r) => [
    r.case,
    human(r.lines / (r.ms / 1000)),
    human((r.lines * WORDS_PER_LINE) / (r.ms / 1000)),
    `${((ceiling.ms / r.ms) * 100).toFixed(1)}%`,
    (r.ms / 1000).toFixed(2),
    (r.cpuMs / 1000).toFixed(2),
    ((r.cpuMs * 1000) / (r.lines * WORDS_PER_LINE)).toFixed(3),
    `${((ceiling.cpuMs / r.cpuMs) * 100).toFixed(1)}%`,
    String(r.rssMb),
    r.outputs === undefined ? '-' : human(r.outputs),
  ]);
  const title = `word count of ${human(n)} lines, at_least_once unless named`;
  process.stdout.write(
    `${formatTable([title, 'lines/s', 'words/s', 'of ceiling', 's', 'cpu s', 'CPU µs/word', 'of ceiling (CPU)', 'peak RSS MB', 'outputs'], rows)}\n`,
  );
  const alo = results.find((r) => r.case === 'repartition, emit on commit, acks=all');
  const eos = results.find((r) => r.case === 'repartition, emit on commit, acks=all, exactly_once');
  if (alo && eos) {
    process.stdout.write(
      `exactly_once runs at ${((alo.ms / eos.ms) * 100).toFixed(1)}% of at_least_once by wall time ` +
        `(goal: 80%), ${((alo.cpuMs / eos.cpuMs) * 100).toFixed(1)}% by CPU time\n`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = JSON.parse(flag(process.argv.slice(2), 'case') ?? '{}') as CaseOptions;
  wordCount(options).then(
    (result) => process.stdout.write(JSON.stringify(result)),
    (error) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
