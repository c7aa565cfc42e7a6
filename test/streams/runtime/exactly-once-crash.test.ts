import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect } from '../../../src/client/connect.js';
import type { ConsumerRecord } from '../../../src/client/records.js';
import { Serdes } from '../../../src/streams/serdes.js';
import { tempClient } from './helpers.js';

const app = fileURLToPath(new URL('./fixtures/exactly-once-app.ts', import.meta.url));

/** Starts the app; `running` resolves when it says processing runs, `exit` with its exit code (null: killed). */
function start(dir: string): { child: ChildProcess; running: Promise<void>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', app, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const running = new Promise<void>((resolve) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('running')) resolve();
    });
  });
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) process.stderr.write(stderr);
      resolve(code);
    }),
  );
  return { child, running, exit };
}

/** Every record of `topic` a read_committed consumer sees, partition by partition, in offset order. */
async function readCommitted(
  dir: string,
  topic: string,
): Promise<ConsumerRecord<Buffer | null, Buffer | null>[]> {
  const client = await connect({ log: { dir } });
  try {
    const ends = await client.admin().partitionOffsets(topic);
    const consumer = client.consumer({ 'isolation.level': 'read_committed', 'fetch.max.wait.ms': 10 });
    await consumer.assign(ends.map((e) => ({ topic, partition: e.partition })));
    for (const e of ends) consumer.seek({ topic, partition: e.partition, offset: 0 });
    const records: ConsumerRecord<Buffer | null, Buffer | null>[] = [];
    const batches = consumer[Symbol.asyncIterator]();
    let pending = batches.next();
    // Caught up once the consumer's position passed every partition's end (markers may follow the last record).
    for (;;) {
      const step = await Promise.race([pending, new Promise<null>((r) => setTimeout(() => r(null), 20))]);
      if (step !== null) {
        if (step.done) break;
        records.push(...step.value.records);
        pending = batches.next();
      } else if (
        ends.every((e) => (consumer.position?.({ topic, partition: e.partition }) ?? -1) >= e.highWatermark)
      ) {
        break;
      }
    }
    await consumer.close();
    return records;
  } finally {
    await client.close();
  }
}

describe('streams › runtime › exactly once under SIGKILL', () => {
  let env: Awaited<ReturnType<typeof tempClient>>;
  beforeEach(async () => {
    env = await tempClient();
  });
  afterEach(async () => {
    await env.cleanup();
  });

  it('outputs every count exactly once however often the app is killed (20 SIGKILLs at random points)', async () => {
    const words = Array.from({ length: 20 }, (_, i) => `w${i}`);
    const lines = Array.from({ length: 600 }, (_, i) => words.filter((_, j) => (i + j) % 5 === 0).join(' '));
    const expected = new Map<string, number>();
    for (const line of lines) for (const w of line.split(' ')) expected.set(w, (expected.get(w) ?? 0) + 1);
    await env.client.admin().createTopics([{ name: 'lines', partitions: 2 }]);
    // Lines trickle in while the app runs and is killed: half now, the rest in slices between runs.
    const producer = env.client.producer<null, string>({ valueSerde: Serdes.string });
    const send = (from: number, to: number) =>
      producer.send(
        'lines',
        lines.slice(from, to).map((value, i) => ({ value, partition: (from + i) % 2 })),
      );
    await send(0, 300);
    await producer.close();
    await env.client.close();

    const kills = 20;
    for (let i = 0; i < kills; i++) {
      if (i % 2 === 1) {
        // The log has one writer at a time: add lines between runs.
        const client = await connect({ log: { dir: env.dir } });
        const more = client.producer<null, string>({ valueSerde: Serdes.string });
        const from = 300 + ((i - 1) / 2) * 30;
        await more.send(
          'lines',
          lines.slice(from, from + 30).map((value, j) => ({ value, partition: (from + j) % 2 })),
        );
        await more.close();
        await client.close();
      }
      const { child, running, exit } = start(env.dir);
      await Promise.race([running, exit]);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 400));
      child.kill('SIGKILL');
      await exit;
    }
    const { exit } = start(env.dir);
    expect(await exit).toBe(0);

    env.client = await connect({ log: { dir: env.dir } });
    await env.client.close();
    const records = await readCommitted(env.dir, 'counts');
    // Each word's counts, in the order they were output: exactly 1, 2, …, n — no repeat, no gap.
    const seen = new Map<string, number[]>();
    for (const r of records) {
      const word = r.key!.toString();
      const counts = seen.get(word) ?? [];
      counts.push(Serdes.long.deserialize(r.value, 'counts'));
      seen.set(word, counts);
    }
    expect([...seen.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [word, n] of expected) {
      expect(seen.get(word), word).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    }
  }, 240_000);
});
