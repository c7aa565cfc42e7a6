import type { RunOptions } from '../consumer.js';
import type { ConsumerBatch } from '../records.js';
import { type BatchSource, giveBack } from './batch-source.js';

const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 10_000;

/**
 * The kafkajs-style read loop: `partitionsConsumedConcurrently` workers each take a batch, hand it to the
 * handler, and acknowledge what the handler finished. A handler that throws gets the unfinished records again
 * after a back off (doubling up to 10 s), so a failing record is never skipped. Resolves when the source stops.
 */
export async function runLoop<K, V>(source: BatchSource<K, V>, options: RunOptions<K, V>): Promise<void> {
  const workers = Math.max(1, options.partitionsConsumedConcurrently ?? 1);
  let failures = 0;
  const backOff = async (): Promise<void> => {
    failures++;
    const ms = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (failures - 1));
    await new Promise((resolve) => setTimeout(resolve, ms));
  };
  const worker = async (): Promise<void> => {
    for (;;) {
      let batch: ConsumerBatch<K, V> | null;
      try {
        batch = await source.next();
      } catch {
        // A fetch error (a record its serde refuses, a reset with none): wait, then read on.
        await backOff();
        continue;
      }
      if (!batch) return;
      const ok = options.eachBatch
        ? await eachBatch(source, options, batch)
        : await eachMessage(source, options, batch);
      if (ok) failures = 0;
      else await backOff();
    }
  };
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    source.release();
  }
}

async function eachMessage<K, V>(
  source: BatchSource<K, V>,
  options: RunOptions<K, V>,
  batch: ConsumerBatch<K, V>,
): Promise<boolean> {
  const handler = options.eachMessage as NonNullable<RunOptions<K, V>['eachMessage']>;
  const { topic, partition } = batch;
  const pause = () => source.pause(batch);
  for (const message of batch.records) {
    if (!source.isRunning() || source.isStale(batch)) {
      source.processed(batch, message.offset - 1);
      return true;
    }
    try {
      await handler({ topic, partition, message, heartbeat: async () => {}, pause });
    } catch {
      source.processed(batch, message.offset - 1);
      return false;
    }
  }
  source.processed(batch);
  return true;
}

async function eachBatch<K, V>(
  source: BatchSource<K, V>,
  options: RunOptions<K, V>,
  batch: ConsumerBatch<K, V>,
): Promise<boolean> {
  const handler = options.eachBatch as NonNullable<RunOptions<K, V>['eachBatch']>;
  let resolved = batch.records[0].offset - 1;
  try {
    await handler({
      batch,
      resolveOffset: (offset) => {
        resolved = Math.max(resolved, offset);
      },
      heartbeat: async () => {},
      pause: () => source.pause(batch),
      isRunning: () => source.isRunning(),
      isStale: () => source.isStale(batch),
    });
  } catch {
    if (resolved < batch.records[0].offset) giveBack(source, batch);
    else source.processed(batch, resolved);
    return false;
  }
  if (options.eachBatchAutoResolve ?? true) source.processed(batch);
  else source.processed(batch, resolved);
  return true;
}
