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
 *
 * `exactly_once` is not measured: the log has no transactions yet. `--json` prints JSON.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../../src/client/connect.js';
import type { Client } from '../../src/client/types.js';
import {
  countByKey,
  flatMapValues,
  groupByKey,
  groupRecordsBy,
  peek,
  selectKey,
  to,
} from '../../src/streams/operators/index.js';
import { streams } from '../../src/streams/runtime/index.js';
import { Serdes } from '../../src/streams/serdes.js';
import { formatTable, human, wantsJson } from './report.js';

interface Result {
  case: string;
  lines: number;
  ms: number;
  rssMb: number;
  outputs?: number;
}

const WORDS_PER_LINE = 10;
const VOCABULARY = 10_000;

function makeLines(n: number): string[] {
  const vocabulary = Array.from({ length: VOCABULARY }, (_, i) => `word${i.toString(36)}`);
  const lines: string[] = new Array(n);
  let seed = 42;
  for (let i = 0; i < n; i++) {
    const words: string[] = new Array(WORDS_PER_LINE);
    for (let j = 0; j < WORDS_PER_LINE; j++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      words[j] = vocabulary[seed % VOCABULARY];
    }
    lines[i] = words.join(' ');
  }
  return lines;
}

async function produce(client: Client, lines: string[]): Promise<void> {
  const producer = client.producer<null, string>({
    valueSerde: Serdes.string,
    'linger.ms': 20,
    'batch.size': 256 * 1024,
  });
  const chunk = 10_000;
  for (let i = 0; i < lines.length; i += chunk) {
    await producer.send(
      'lines',
      lines.slice(i, i + chunk).map((value) => ({ value })),
    );
  }
  await producer.close();
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

async function wordCount(
  lines: string[],
  name: string,
  options: { partitions: number; repartition: boolean; emit: 'changes' | 'on-commit'; acks: 1 | 'all' },
): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-streams-'));
  const client = await connect({ log: { dir } });
  try {
    await client.admin().createTopics([{ name: 'lines', partitions: options.partitions }]);
    await produce(client, lines);
    let outputs = 0;
    const { result: ms, rssMb } = await withRss(async () => {
      const start = process.hrtime.bigint();
      const app = streams(client, { applicationId: 'wc', commitIntervalMs: 1000, acks: options.acks });
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
      const total = lines.length * WORDS_PER_LINE;
      while (counted < total) await new Promise((resolve) => setTimeout(resolve, 100));
      await app.commit();
      const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      await app.close();
      const offsets = await client.admin().partitionOffsets('counts');
      outputs = offsets.reduce((n, p) => n + p.highWatermark, 0);
      return elapsed;
    });
    return { case: name, lines: lines.length, ms, rssMb, outputs };
  } finally {
    await client.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function plainLoop(lines: string[]): Promise<Result> {
  // The decoded records, as a consumer would hand them over: the loop alone is timed.
  const records = lines.map((value, offset) => ({ key: null, value, offset, timestamp: offset }));
  const { result: ms, rssMb } = await withRss(async () => {
    const start = process.hrtime.bigint();
    const counts = new Map<string, number>();
    for (const record of records) {
      for (const word of record.value.split(' ')) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    return Number(process.hrtime.bigint() - start) / 1e6;
  });
  return { case: 'plain loop over decoded lines (ceiling)', lines: lines.length, ms, rssMb };
}

export async function run(args: string[]): Promise<void> {
  const n = args.includes('--quick') ? 100_000 : 1_000_000;
  const lines = makeLines(n);
  const results: Result[] = [await plainLoop(lines)];
  const cases: [string, Parameters<typeof wordCount>[2]][] = [
    [
      'one partition, emit on commit, acks=all',
      { partitions: 1, repartition: false, emit: 'on-commit', acks: 'all' },
    ],
    [
      'repartition, emit on commit, acks=all',
      { partitions: 1, repartition: true, emit: 'on-commit', acks: 'all' },
    ],
    ['repartition, emit on commit, acks=1', { partitions: 1, repartition: true, emit: 'on-commit', acks: 1 }],
  ];
  // Ten million output records: only on request.
  if (args.includes('--changes')) {
    cases.push([
      'repartition, emit changes, acks=1',
      { partitions: 1, repartition: true, emit: 'changes', acks: 1 },
    ]);
  }
  for (const [name, options] of cases) results.push(await wordCount(lines, name, options));
  if (wantsJson(args)) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  const rows = results.map((r) => [
    r.case,
    human(r.lines / (r.ms / 1000)),
    human((r.lines * WORDS_PER_LINE) / (r.ms / 1000)),
    (r.ms / 1000).toFixed(2),
    String(r.rssMb),
    r.outputs === undefined ? '-' : human(r.outputs),
  ]);
  const title = `word count of ${human(n)} lines, at_least_once`;
  process.stdout.write(
    `${formatTable([title, 'lines/s', 'words/s', 's', 'peak RSS MB', 'outputs'], rows)}\n`,
  );
}
