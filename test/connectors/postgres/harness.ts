import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type {
  SinkRecord,
  SinkTaskContext,
  SourceMap,
  SourceRecord,
  SourceTask,
  SourceTaskContext,
  TaskLogger,
  TopicPartition,
} from '../../../src/connect/index.js';

/** The test database: the PostgreSQL server on this machine (trust auth). */
export const PG_URL = process.env.SLUICE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const quietLogger: TaskLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A lower-case name no other test uses. */
export function randomName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export async function admin(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: PG_URL, options: '-c TimeZone=UTC' });
  client.on('error', () => {}); // a server restart in another test; the next query reports it
  await client.connect();
  return client;
}

/** An offset store standing in for `connect-offsets`: commit() keeps what the runtime would have committed. */
export class MemoryOffsets {
  readonly committed = new Map<string, SourceMap>();
  commit(records: readonly SourceRecord[]): void {
    for (const r of records) this.committed.set(JSON.stringify(r.sourcePartition), r.sourceOffset);
  }
  reader() {
    return { offset: async (p: SourceMap) => this.committed.get(JSON.stringify(p)) ?? null };
  }
}

export function sourceContext(offsets = new MemoryOffsets(), name = 'test'): SourceTaskContext {
  return {
    connectorName: name,
    taskId: 0,
    logger: quietLogger,
    signal: new AbortController().signal,
    offsetReader: offsets.reader(),
    requestCommit() {},
  };
}

/** Polls until `enough(all)` holds or `timeoutMs` passes; each batch is committed (as the runtime does) first. */
export async function pollUntil(
  task: SourceTask<never> | SourceTask<unknown>,
  enough: (all: SourceRecord[]) => boolean,
  options: { offsets?: MemoryOffsets; timeoutMs?: number; acknowledge?: boolean } = {},
): Promise<SourceRecord[]> {
  const all: SourceRecord[] = [];
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  while (!enough(all) && Date.now() < deadline) {
    const batch = await task.poll();
    all.push(...batch);
    options.offsets?.commit(batch);
    if (options.acknowledge !== false) {
      for (const r of batch) await task.commitRecord?.(r, null);
      if (batch.length > 0) await task.commit?.();
    }
  }
  return all;
}

/** A sink context over an in-memory topic: seek() moves the read position the harness delivers from. */
export class SinkHarness {
  readonly positions = new Map<string, number>();
  readonly context: SinkTaskContext;
  constructor(
    readonly partitions: TopicPartition[],
    name = 'test',
  ) {
    for (const tp of partitions) this.positions.set(`${tp.topic}:${tp.partition}`, 0);
    this.context = {
      connectorName: name,
      taskId: 0,
      logger: quietLogger,
      signal: new AbortController().signal,
      assignment: () => partitions,
      seek: (tp, offset) => this.positions.set(`${tp.topic}:${tp.partition}`, offset),
      pause() {},
      resume() {},
      requestCommit() {},
    };
  }
  position(topic: string, partition = 0): number {
    return this.positions.get(`${topic}:${partition}`) ?? 0;
  }
}

/** SinkRecords for a topic partition from values, with offsets from `from`. */
export function sinkRecords(
  topic: string,
  values: { key?: unknown; value: unknown }[],
  from = 0,
  partition = 0,
): SinkRecord[] {
  return values.map((v, i) => ({
    topic,
    kafkaPartition: partition,
    kafkaOffset: from + i,
    key: v.key ?? null,
    value: v.value,
  }));
}

/** How long a test file may wait for its lease while another file restarts the server. */
export const LEASE_TIMEOUT_MS = 90_000;

/** Advisory lock key the PostgreSQL test files share while the restart test takes it alone. */
const SERVER_LOCK = 7_105_007;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Holds a shared lease on the server for a test file's duration, so that the file restarting PostgreSQL waits for
 * the others and they wait for the server to come back. Returns the release function.
 */
export async function shareServer(): Promise<() => Promise<void>> {
  for (;;) {
    const client = new pg.Client({ connectionString: PG_URL });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT pg_advisory_lock_shared($1)', [SERVER_LOCK]);
      return async () => {
        await client.end().catch(() => {});
      };
    } catch {
      await client.end().catch(() => {});
      await sleep(300);
    }
  }
}

/**
 * Gives up this file's shared lease, waits until no other test file (of any test run on this machine) uses the
 * server, restarts it, waits until it accepts connections, and returns a fresh shared lease.
 */
export async function restartServer(lease: () => Promise<void>): Promise<() => Promise<void>> {
  const { execFileSync } = await import('node:child_process');
  await lease();
  const lock = new pg.Client({ connectionString: PG_URL });
  lock.on('error', () => {});
  await lock.connect();
  await lock.query('SELECT pg_advisory_lock($1)', [SERVER_LOCK]);
  // The server outlives the test run: it must hold none of the descriptors this process inherited (a pipe
  // whose reader waits for its end, such as the output of the job running the tests), so they are closed first.
  execFileSync(
    'bash',
    [
      '-c',
      'for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done; exec pg_ctlcluster --skip-systemctl-redirect 15 main restart',
    ],
    { stdio: 'ignore', timeout: 120_000 },
  );
  await lock.end().catch(() => {});
  await waitForServer();
  return shareServer();
}

export async function waitForServer(timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: PG_URL });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw error;
      await sleep(200);
    }
  }
}
