import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedClient } from '../../../src/client/embedded/index.js';
import type { Client, Consumer } from '../../../src/client/index.js';
import { Log } from '../../../src/log/index.js';

// 5,000,000 records of 64 bytes: buffered without bound they would take well over a gigabyte of heap (records
// as objects), so an RSS growth far below that shows the reader's pace holds the fetcher back.
const RECORDS = 5_000_000;
const PARTITIONS = 4;
const VALUE = Buffer.alloc(64, 'v');
const RSS_GROWTH_LIMIT = 256 * 1024 * 1024;
/** The handler sleeps this long per batch: far slower than the log can be read. */
const SLOW_MS = 3;

describe('client › embedded › backpressure', () => {
  let dir: string;
  let log: Log;
  let client: Client;
  const topic = 'flood';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-backpressure-'));
    log = await Log.open({ dir });
    await log.createTopic(topic, { partitions: PARTITIONS });
    // Straight through the log, in large batches, to keep the setup short.
    const chunk = Array.from({ length: 10_000 }, () => ({ value: VALUE }));
    for (let i = 0; i < RECORDS / chunk.length; i++)
      await log.append(topic, i % PARTITIONS, chunk, { acks: 1 });
    client = embeddedClient(log);
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await log?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Reads every record with `read`, sampling RSS; returns the records seen and the largest RSS growth. */
  async function measure(read: (consumer: Consumer, onRecords: (n: number) => void) => Promise<void>) {
    const consumer = client.consumer({ 'auto.offset.reset': 'earliest', 'max.poll.records': 5000 });
    await consumer.assign(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition })));
    const base = process.memoryUsage().rss;
    let peak = 0;
    let seen = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss - base);
    }, 20);
    try {
      await read(consumer, (n) => {
        seen += n;
      });
    } finally {
      clearInterval(sampler);
      await consumer.close();
    }
    return { seen, growth: peak };
  }

  it('holds memory through the async iterator with a slow loop body', async () => {
    const { seen, growth } = await measure(async (consumer, onRecords) => {
      let total = 0;
      for await (const batch of consumer) {
        total += batch.records.length;
        onRecords(batch.records.length);
        await sleep(SLOW_MS);
        if (total >= RECORDS) void consumer.stop();
      }
    });
    expect(seen).toBe(RECORDS);
    expect(growth).toBeLessThan(RSS_GROWTH_LIMIT);
  }, 60_000);

  it('holds memory through run({ eachBatch }) with a slow handler', async () => {
    const { seen, growth } = await measure(async (consumer, onRecords) => {
      let total = 0;
      let done!: () => void;
      const finished = new Promise<void>((resolve) => {
        done = resolve;
      });
      await consumer.run({
        eachBatch: async ({ batch }) => {
          onRecords(batch.records.length);
          await sleep(SLOW_MS);
          total += batch.records.length;
          if (total >= RECORDS) done();
        },
      });
      await finished;
      await consumer.stop();
    });
    expect(seen).toBe(RECORDS);
    expect(growth).toBeLessThan(RSS_GROWTH_LIMIT);
  }, 60_000);

  it('holds memory through observe(project) with a slow projection', async () => {
    const { seen, growth } = await measure(async (consumer, onRecords) => {
      let total = 0;
      await lastValueFrom(
        consumer.observe(async (batch) => {
          onRecords(batch.records.length);
          await sleep(SLOW_MS);
          total += batch.records.length;
          if (total >= RECORDS) void consumer.stop();
          return batch.records.length;
        }),
      );
    });
    expect(seen).toBe(RECORDS);
    expect(growth).toBeLessThan(RSS_GROWTH_LIMIT);
  }, 60_000);
});
