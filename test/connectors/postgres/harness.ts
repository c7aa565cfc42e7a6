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
