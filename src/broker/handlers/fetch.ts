import { CorruptRecordError } from '../../errors.js';
import type { BrokerContext } from '../broker-context.js';
import { ERROR_CODES, errorCodeOf } from '../protocol/error-codes.js';
import { Fetch, type FetchRequest } from '../protocol/messages/index.js';
import { handler } from './handler.js';

const EMPTY = Buffer.alloc(0);

interface PartitionResponse {
  partitionIndex: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  abortedTransactions: null;
  records: Buffer;
}

interface Pass {
  responses: { topic: string; partitions: PartitionResponse[] }[];
  bytes: number;
  /** Some partition answered with an error: the response goes out at once, as in Kafka. */
  failed: boolean;
  /** Partitions worth waiting on, at the offset new data would start. */
  waitable: { topic: string; partition: number; offset: number }[];
}

/** Reads every requested partition once without waiting, within the response and partition byte limits. */
async function readOnce(ctx: BrokerContext, req: FetchRequest): Promise<Pass> {
  let budget = req.maxBytes;
  let bytes = 0;
  let failed = false;
  const waitable: Pass['waitable'] = [];
  const responses = [];
  for (const t of req.topics) {
    const partitions: PartitionResponse[] = [];
    for (const p of t.partitions) {
      const response: PartitionResponse = {
        partitionIndex: p.partition,
        errorCode: 0,
        highWatermark: -1,
        lastStableOffset: -1,
        logStartOffset: -1,
        abortedTransactions: null,
        // librdkafka refuses a null record set (size -1): an empty partition answers zero bytes.
        records: EMPTY,
      };
      partitions.push(response);
      try {
        const { logStartOffset, highWatermark } = ctx.log.offsets(t.topic, p.partition);
        Object.assign(response, { highWatermark, lastStableOffset: highWatermark, logStartOffset });
        if (p.fetchOffset < logStartOffset || p.fetchOffset > highWatermark) {
          response.errorCode = ERROR_CODES.OFFSET_OUT_OF_RANGE;
          failed = true;
          continue;
        }
        // Only the first partition with data may exceed the budget (by one batch), as in Kafka (KIP-74).
        if (p.fetchOffset === highWatermark || (budget <= 0 && bytes > 0)) {
          waitable.push({ topic: t.topic, partition: p.partition, offset: highWatermark });
          continue;
        }
        const maxBytes = Math.max(1, Math.min(p.partitionMaxBytes, budget));
        const read = await ctx.log.read(t.topic, p.partition, p.fetchOffset, { maxBytes, maxWaitMs: 0 });
        Object.assign(response, { highWatermark: read.highWatermark, lastStableOffset: read.highWatermark });
        response.logStartOffset = read.logStartOffset;
        response.records = read.records;
        budget -= read.records.length;
        bytes += read.records.length;
        waitable.push({ topic: t.topic, partition: p.partition, offset: read.highWatermark });
      } catch (err) {
        response.errorCode = errorCodeOf(err);
        failed = true;
        // Damage on disk: the client gets CORRUPT_MESSAGE for this partition; the operator gets where it is.
        if (err instanceof CorruptRecordError) {
          ctx.logger.error(
            {
              topic: t.topic,
              partition: p.partition,
              offset: p.fetchOffset,
              file: err.file,
              position: err.position,
            },
            err.message,
          );
        }
      }
    }
    responses.push({ topic: t.topic, partitions });
  }
  return { responses, bytes, failed, waitable };
}

/** Resolves when any of the partitions gets data past `offset`, the time is up, or `signal` aborts. */
async function waitForAny(
  ctx: BrokerContext,
  pass: Pass,
  waitMs: number,
  signal: AbortSignal,
): Promise<void> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const timer = new Promise<void>((resolve) => {
      const t = setTimeout(resolve, waitMs);
      stop.signal.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    });
    const reads = pass.waitable.map((w) =>
      ctx.log
        .read(w.topic, w.partition, w.offset, {
          maxWaitMs: waitMs,
          minBytes: 1,
          maxBytes: 1,
          signal: stop.signal,
        })
        .then(
          (r) => (r.records.length > 0 ? undefined : new Promise<void>(() => {})),
          () => undefined,
        ),
    );
    await Promise.race([timer, ...reads]);
  } finally {
    signal.removeEventListener('abort', onAbort);
    stop.abort();
  }
}

/**
 * Serves stored batches as they are on disk. When less than `min_bytes` is available the request long-polls up
 * to `max_wait_ms` across all its partitions, answering as soon as enough data arrives; without this, consumers
 * would spin. Fetch sessions (KIP-227) are not kept: every response is a full one with session id 0.
 */
export const fetch = handler(Fetch, async (ctx, req, info) => {
  const deadline = Date.now() + req.maxWaitMs;
  const minBytes = Math.max(1, req.minBytes);
  let pass = await readOnce(ctx, req);
  for (;;) {
    const remaining = deadline - Date.now();
    if (pass.bytes >= minBytes || pass.failed || remaining <= 0 || info.signal.aborted) break;
    await waitForAny(ctx, pass, remaining, info.signal);
    pass = await readOnce(ctx, req);
  }
  return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: pass.responses };
});
