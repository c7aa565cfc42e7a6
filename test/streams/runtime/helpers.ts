import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../../../src/client/connect.js';
import type { ConsumerRecord } from '../../../src/client/records.js';
import type { Client } from '../../../src/client/types.js';

/** A client on a fresh log in a temp dir; `cleanup` closes it and removes the dir. */
export async function tempClient(): Promise<{ client: Client; dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-streams-'));
  const env = {
    client: await connect({ log: { dir } }),
    dir,
    /** Closes whichever client `env.client` holds by then (a test may reopen the log). */
    cleanup: async () => {
      await env.client.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return env;
}

/**
 * Reads every partition of `topic` from the start until `done(records)` holds; rejects after `timeoutMs` with
 * what was read, rather than hanging the test.
 */
export async function readUntil(
  client: Client,
  topic: string,
  done: (records: ConsumerRecord<Buffer | null, Buffer | null>[]) => boolean,
  timeoutMs = 10_000,
): Promise<ConsumerRecord<Buffer | null, Buffer | null>[]> {
  const deadline = Date.now() + timeoutMs;
  await eventually(async () => (await client.admin().listTopics()).includes(topic), timeoutMs);
  const partitions = await client.admin().partitionOffsets(topic);
  const consumer = client.consumer({ 'auto.offset.reset': 'earliest', 'fetch.max.wait.ms': 50 });
  const records: ConsumerRecord<Buffer | null, Buffer | null>[] = [];
  const batches = consumer[Symbol.asyncIterator]();
  try {
    await consumer.assign(partitions.map((p) => ({ topic, partition: p.partition })));
    while (!done(records)) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`read ${records.length} records of "${topic}" without the expected ones`)),
          Math.max(0, deadline - Date.now()),
        );
      });
      try {
        const next = await Promise.race([batches.next(), timeout]);
        if (next.done) break;
        records.push(...next.value.records);
      } finally {
        clearTimeout(timer);
      }
    }
    return records;
  } finally {
    await consumer.close();
  }
}

/** Polls `check` until it holds (or throws after `timeoutMs`). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
