import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InteropBroker, startInteropBroker } from './interop-broker.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const WORKER = fileURLToPath(new URL('./kafkajs-group-worker.ts', import.meta.url));
const PARTITIONS = 6;

interface Worker {
  child: ChildProcess;
  assignments: number[][];
  records: { partition: number; offset: number; value: string }[];
  exited: Promise<number | null>;
}

function startWorker(bootstrap: string, topic: string, groupId: string): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, bootstrap, topic, groupId], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const worker: Worker = {
    child,
    assignments: [],
    records: [],
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  let pending = '';
  child.stdout!.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const event = JSON.parse(line);
      if (event.event === 'assigned') worker.assignments.push(event.partitions);
      else worker.records.push(event);
    }
  });
  return worker;
}

async function until(condition: () => boolean, what: string, timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let broker: InteropBroker;
let workers: Worker[] = [];

beforeAll(async () => {
  broker = await startInteropBroker();
});

afterAll(async () => {
  for (const w of workers) w.child.kill('SIGKILL');
  await broker?.stop();
});

describe('broker › interop › kafkajs group of three processes', () => {
  it('moves a SIGKILLed member’s partitions to the others without losing a record', {
    timeout: 90_000,
  }, async () => {
    const topic = `group-kill-${randomUUID().slice(0, 8)}`;
    const groupId = `g-${randomUUID().slice(0, 8)}`;
    await broker.log.createTopic(topic, { partitions: PARTITIONS });
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const produce = (from: number, to: number) =>
      producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: to - from }, (_, i) => ({
          value: `r${from + i}`,
          partition: (from + i) % PARTITIONS,
        })),
      });

    await produce(0, 300);
    workers = [0, 1, 2].map(() => startWorker(broker.bootstrap, topic, groupId));
    const seen = () => new Set(workers.flatMap((w) => w.records.map((r) => r.value)));
    // Every member owns two partitions once the group settles, and the first records are all read.
    await until(
      () => workers.every((w) => w.assignments.at(-1)?.length === 2) && seen().size === 300,
      'first phase',
    );

    const [victim, ...survivors] = workers;
    const victimPartitions = victim.assignments.at(-1)!;
    victim.child.kill('SIGKILL');
    await victim.exited;
    await produce(300, 600);

    // The survivors take over the victim's partitions (after its session times out) and read everything.
    const owned = () => new Set(survivors.flatMap((w) => w.assignments.at(-1) ?? []));
    await until(() => owned().size === PARTITIONS, 'survivors to own every partition');
    const survivorValues = () => new Set(survivors.flatMap((w) => w.records.map((r) => r.value)));
    await until(
      () => Array.from({ length: 300 }, (_, i) => `r${300 + i}`).every((v) => survivorValues().has(v)),
      'second phase',
    );
    for (const p of victimPartitions) expect(owned().has(p)).toBe(true);
    expect(seen().size).toBe(600);

    // A clean leave commits; the group's offsets then reach the end of every partition.
    for (const w of survivors) w.child.kill('SIGTERM');
    expect(await Promise.all(survivors.map((w) => w.exited))).toEqual([0, 0]);
    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committed.partitions.map((p) => Number(p.offset)).sort()).toEqual(Array(PARTITIONS).fill(100));
    await admin.disconnect();
    await producer.disconnect();
  });
});
