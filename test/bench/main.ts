/**
 * `npm run bench -- <name> [options]`: runs the benchmark `test/bench/<name>.ts`. Each benchmark exports
 * `run(args)`, measures sluice beside its peers in the same run, and prints a table (`--json` for JSON).
 * Add a benchmark by adding a line to {@link benchmarks}.
 */

/** A benchmark module: `run` gets the arguments after the benchmark's name. */
export interface Benchmark {
  run(args: string[]): Promise<void>;
}

const benchmarks: Record<string, { about: string; load: () => Promise<Benchmark> }> = {
  log: {
    about: 'segment log append and read vs better-sqlite3, NATS JetStream and raw file writes',
    load: () => import('./log.js'),
  },
  streams: {
    about:
      'word count log to log with a state store (repartition, emit modes, acks) vs a plain loop as ceiling',
    load: () => import('./streams.js'),
  },
  connect: {
    about: 'file source → topic → file sink through the Connect runtime, against cat of the same file',
    load: () => import('./connect.js'),
  },
  csv: {
    about: 'CSV file → topic (csv source, inferred types) vs csv-parse alone; topic → csv-sink until lag 0',
    load: () => import('./csv.js'),
  },
  client: {
    about: 'producer → log → consumer group end to end vs the raw log and NATS JetStream; rebalance time',
    load: () => import('./client.js'),
  },
  postgres: {
    about: 'PostgreSQL query source, sink (insert, upsert) and CDC vs psql \\copy as the ceiling',
    load: () => import('./postgres.js'),
  },
  broker: {
    about: 'the Kafka-protocol broker driven by kcat, kafkajs and a bare client; the embedded log as ceiling',
    load: () => import('./broker.js'),
  },
  expressions: {
    about: 'the JSONata expressions of pipelines/ and docs/, compiled vs jsonata.evaluate, per record',
    load: () => import('./expressions.js'),
  },
  pipeline: {
    about:
      'the quickstart pipeline over 1M generated rows end to end vs a plain csv-parse/csv-stringify script',
    load: () => import('./pipeline.js'),
  },
};

function usage(): string {
  const names = Object.entries(benchmarks).map(([name, b]) => `  ${name.padEnd(10)} ${b.about}`);
  return ['usage: npm run bench -- <name> [--json] [options]', '', 'benchmarks:', ...names].join('\n');
}

const [name, ...args] = process.argv.slice(2);
const bench = name ? benchmarks[name] : undefined;
if (!bench) {
  process.stderr.write(`${name ? `unknown benchmark "${name}"\n\n` : ''}${usage()}\n`);
  process.exitCode = name ? 1 : 0;
} else {
  await (await bench.load()).run(args);
}
