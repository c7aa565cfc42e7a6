/**
 * One stage of the query source, run alone in a process of its own over a table, from the compiled modules of
 * dist/: `postgres.ts` starts it, and prints the CPU µs per row of each stage beside the worker's whole run.
 *
 * - `copy`: the table's COPY stream read off the connection and thrown away (the bytes of every row, framing
 *   removed): what reading the COPY costs at least;
 * - `records`: the query source task polling the table until it is drained, as the worker runs it with the JSON
 *   converter (the records as it hands them to the runtime, their values the converter's bytes).
 *
 * The CPU is the whole process's (`process.cpuUsage()`: every thread, garbage collection included) over the stage,
 * not its start-up (loading the modules, connecting, the first batch). Prints `{ "rows": n, "cpuUs": µs, "userUs": µs,
 * "ms": wall }` as JSON on stdout, for the rows read while measured.
 *
 * Usage: `node --import tsx test/bench/postgres-stages.ts <copy|records> <url> <schema> <table>`.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [stage, url, schema, table] = process.argv.slice(2) as [string, string, string, string];
const root = path.resolve(import.meta.dirname, '../..');
const load = async <T>(file: string): Promise<T> =>
  (await import(pathToFileURL(path.join(root, 'dist/connectors/postgres', file)).href)) as T;

type Connection = typeof import('../../connectors/postgres/connection.js');
type CopyRows = typeof import('../../connectors/postgres/copy-rows.js');
type Source = typeof import('../../connectors/postgres/source.js');
type Config = typeof import('../../connectors/postgres/config.js');

/** Loads what the stage runs and connects, then runs it: the CPU is measured around the returned function. */
async function copyStage(): Promise<() => Promise<number>> {
  const { connect } = await load<Connection>('connection.js');
  const { startCopy } = await load<CopyRows>('copy-rows.js');
  const client = await connect({ url });
  return async () => {
    try {
      const copy = await startCopy(client, `SELECT t.* FROM "${schema}"."${table}" t ORDER BY t.id`);
      // Before CopyOut, the COPY came as a Readable of pg-copy-streams: in a checkout of an older build (for
      // before/after figures) this reads that, and counts the rows by their newlines.
      const stream = (copy as { stream?: AsyncIterable<Buffer> }).stream;
      if (stream !== undefined) {
        let rows = 0;
        for await (const chunk of stream)
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
        return rows;
      }
      while ((await copy.out.next()) !== null);
      return copy.out.messages;
    } finally {
      await client.end();
    }
  };
}

async function recordsStage(): Promise<() => Promise<number>> {
  const { QuerySourceTask } = await load<Source>('source.js');
  const { querySourceConfig } = await load<Config>('config.js');
  const config = querySourceConfig.parse({
    'connection.url': url,
    mode: 'incrementing',
    'incrementing.column.name': 'id',
    'table.include.list': [`${schema}\\.${table}`],
    'topic.prefix': 'pg-',
    'batch.max.rows': 10_000,
    'poll.interval.ms': 60_000,
  });
  const task = new QuerySourceTask();
  const silent = () => {};
  const logger = { info: silent, warn: silent, error: silent, debug: silent, trace: silent, fatal: silent };
  await task.start(
    { ...config, 'task.id': 0, 'task.count': 1 },
    {
      connectorName: 'stages',
      taskId: 0,
      logger: logger as never,
      signal: new AbortController().signal,
      offsetReader: { offset: async () => null },
      requestCommit: silent,
      valueFormat: 'json',
    },
  );
  // The first poll connects, loads pg, finds the table and reads the first batch: it is not measured.
  const first = (await task.poll()).length;
  return async () => {
    let rows = 0;
    try {
      for (let n = first; n === 10_000; ) {
        n = (await task.poll()).length;
        rows += n;
      }
      return rows;
    } finally {
      await task.stop();
    }
  };
}

const go = stage === 'copy' ? await copyStage() : await recordsStage();
const before = process.cpuUsage();
const start = performance.now();
const rows = await go();
const ms = performance.now() - start;
const cpu = process.cpuUsage(before);
process.stdout.write(`${JSON.stringify({ rows, cpuUs: cpu.user + cpu.system, userUs: cpu.user, ms })}\n`);
