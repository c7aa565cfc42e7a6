import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { builtinConnectors } from '../../../connectors/index.js';
import type { Client } from '../../../src/client/index.js';
import { connect } from '../../../src/client/index.js';
import type { TaskLogger } from '../../../src/connect/index.js';
import type { TaskState } from '../../../src/connect/runtime/index.js';
import { parseWorkerConfig, Worker } from '../../../src/connect/runtime/index.js';

export const quietLogger: TaskLogger & { child(): TaskLogger } = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => quietLogger,
};

/** A temp dir with an embedded log, and workers on it. */
export class Harness {
  client: Client | undefined;
  worker: Worker | undefined;

  private constructor(readonly dir: string) {}

  static async create(): Promise<Harness> {
    return new Harness(await mkdtemp(path.join(os.tmpdir(), 'sluice-connect-')));
  }

  get logDir(): string {
    return path.join(this.dir, 'log');
  }

  async startWorker(extra: Record<string, unknown> = {}): Promise<Worker> {
    this.client = await connect({ log: { dir: this.logDir } });
    const config = parseWorkerConfig({
      'log.dir': this.logDir,
      'offset.flush.interval.ms': 100,
      'offset.storage.partitions': 2,
      'rest.enable': false,
      'task.restart.backoff.ms': 50,
      'value.converter': 'string',
      'key.converter': 'string',
      ...extra,
    });
    this.worker = await Worker.start({
      client: this.client,
      config,
      plugins: builtinConnectors,
      logger: quietLogger,
    });
    return this.worker;
  }

  /** Graceful stop: tasks flush and commit; the log is closed. */
  async stopWorker(): Promise<void> {
    await this.worker?.close();
    await this.client?.close();
    this.worker = undefined;
    this.client = undefined;
  }

  async dispose(): Promise<void> {
    await this.stopWorker();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Every value of `topic` as text, in offset order per partition. */
  async readTopic(
    topic: string,
    client = this.client!,
  ): Promise<{ value: string | null; headers: Record<string, string> }[]> {
    const admin = client.admin();
    if (!(await admin.listTopics()).includes(topic)) return [];
    const ends = await admin.partitionOffsets(topic);
    const pending = ends.filter((p) => p.highWatermark > p.logStartOffset);
    if (pending.length === 0) return [];
    const consumer = client.consumer();
    const out: { value: string | null; headers: Record<string, string> }[] = [];
    try {
      await consumer.assign(pending.map((p) => ({ topic, partition: p.partition })));
      for (const p of pending) consumer.seek({ topic, partition: p.partition, offset: p.logStartOffset });
      const remaining = new Map(pending.map((p) => [p.partition, p.highWatermark]));
      for await (const batch of consumer) {
        for (const r of batch.records) {
          out.push({
            value: r.value?.toString('utf8') ?? null,
            headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value?.toString('utf8') ?? ''])),
          });
        }
        if (batch.records[batch.records.length - 1]!.offset + 1 >= remaining.get(batch.partition)!)
          remaining.delete(batch.partition);
        if (remaining.size === 0) break;
      }
    } finally {
      await consumer.close();
    }
    return out;
  }

  async produce(topic: string, values: (string | null)[]): Promise<void> {
    const producer = this.client!.producer({ acks: 'all' });
    await producer.send(
      topic,
      values.map((value) => ({ value })),
    );
    await producer.close();
  }
}

/** Polls `check` until it returns true (or throws after `ms`). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

export function taskState(worker: Worker, name: string, task = 0): TaskState | undefined {
  return worker.status(name).tasks.find((t) => t.id === task)?.state;
}
