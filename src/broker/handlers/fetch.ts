import { CorruptRecordError } from '../../errors.js';
import type { BrokerContext } from '../broker-context.js';
import { ERROR_CODES, errorCodeOf } from '../protocol/error-codes.js';
import { Fetch, type FetchRequest } from '../protocol/messages/index.js';
import { topicIdOf, topicNameOf } from '../topic-ids.js';
import { handler } from './handler.js';

const EMPTY = Buffer.alloc(0);

/** The first version that names topics by id (KIP-516). */
const FIRST_TOPIC_ID_VERSION = 13;
/** The first version served: v4 is the first to carry RecordBatch v2. */
const FIRST_SERVED_VERSION = 4;

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
  responses: { topic: string; topicId: Buffer; partitions: PartitionResponse[] }[];
  bytes: number;
  /** Some partition answered with an error: the response goes out at once, as in Kafka. */
  failed: boolean;
  /** Partitions worth waiting on, at the offset new data would start. */
  waitable: { topic: string; partition: number; offset: number }[];
}

/** The whole batches at the start of `records` that fit in `limit` bytes. */
function wholeBatchesWithin(records: Buffer, limit: number): Buffer {
  let end = 0;
  while (end + 12 <= records.length) {
    const next = end + 12 + records.readInt32BE(end + 8);
    if (next > limit || next > records.length) break;
    end = next;
  }
  return end === records.length ? records : records.subarray(0, end);
}

function emptyPartition(partitionIndex: number, errorCode: number): PartitionResponse {
  return {
    partitionIndex,
    errorCode,
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
    abortedTransactions: null,
    records: EMPTY,
  };
}

/**
 * Reads every requested partition once without waiting, within the response and partition byte limits. Only the
 * first partition that has data may go past `max_bytes`, by its first batch (KIP-74), so that a batch larger than
 * the limit still gets through; every later one gets only the whole batches that fit in what is left.
 */
async function readOnce(ctx: BrokerContext, req: FetchRequest, version: number): Promise<Pass> {
  let budget = req.maxBytes;
  let bytes = 0;
  let failed = false;
  const waitable: Pass['waitable'] = [];
  const responses = [];
  for (const t of req.topics) {
    const byId = version >= FIRST_TOPIC_ID_VERSION;
    const name = byId ? topicNameOf(ctx.log, t.topicId) : t.topic;
    if (name === null) {
      // A topic id the log does not know (deleted, or never there): every partition says so.
      const partitions = t.partitions.map((p) => emptyPartition(p.partition, ERROR_CODES.UNKNOWN_TOPIC_ID));
      responses.push({ topic: '', topicId: t.topicId, partitions });
      failed = true;
      continue;
    }
    const topic = { topic: name, partitions: [] as PartitionResponse[] };
    const partitions = topic.partitions;
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
        const { logStartOffset, highWatermark } = ctx.log.offsets(name, p.partition);
        Object.assign(response, { highWatermark, lastStableOffset: highWatermark, logStartOffset });
        if (p.fetchOffset < logStartOffset || p.fetchOffset > highWatermark) {
          response.errorCode = ERROR_CODES.OFFSET_OUT_OF_RANGE;
          failed = true;
          continue;
        }
        if (p.fetchOffset === highWatermark || (budget <= 0 && bytes > 0)) {
          waitable.push({ topic: name, partition: p.partition, offset: highWatermark });
          continue;
        }
        const maxBytes = Math.max(1, Math.min(p.partitionMaxBytes, budget));
        const read = await ctx.log.read(name, p.partition, p.fetchOffset, { maxBytes, maxWaitMs: 0 });
        Object.assign(response, { highWatermark: read.highWatermark, lastStableOffset: read.highWatermark });
        response.logStartOffset = read.logStartOffset;
        // The log returns at least one whole batch, however large: past the first partition with data, that
        // batch must fit in what is left of max_bytes, or wait for the next fetch.
        response.records = bytes > 0 ? wholeBatchesWithin(read.records, maxBytes) : read.records;
        budget -= response.records.length;
        bytes += response.records.length;
        waitable.push({ topic: name, partition: p.partition, offset: read.highWatermark });
      } catch (err) {
        response.errorCode = errorCodeOf(err);
        failed = true;
        // Damage on disk: the client gets CORRUPT_MESSAGE for this partition; the operator gets where it is.
        if (err instanceof CorruptRecordError) {
          ctx.logger.error(
            {
              topic: name,
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
    responses.push({ ...topic, topicId: byId ? t.topicId : topicIdOf(name) });
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
 * would spin. Fetch sessions (KIP-227) are not kept: every response is a full one with session id 0. Versions
 * 0–3, listed only for librdkafka's sake, get UNSUPPORTED_VERSION on every partition: they would need the
 * older message formats.
 */
export const fetch = handler(Fetch, async (ctx, req, info) => {
  if (info.apiVersion < FIRST_SERVED_VERSION) {
    ctx.logger.warn(
      { client: info.clientId, version: info.apiVersion },
      `Fetch v${info.apiVersion} is not served; Fetch v${FIRST_SERVED_VERSION}+ (RecordBatch v2) is`,
    );
    const responses = req.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => emptyPartition(p.partition, ERROR_CODES.UNSUPPORTED_VERSION)),
    }));
    return { throttleTimeMs: 0, responses };
  }
  const deadline = Date.now() + req.maxWaitMs;
  const minBytes = Math.max(1, req.minBytes);
  let pass = await readOnce(ctx, req, info.apiVersion);
  for (;;) {
    const remaining = deadline - Date.now();
    if (pass.bytes >= minBytes || pass.failed || remaining <= 0 || info.signal.aborted) break;
    await waitForAny(ctx, pass, remaining, info.signal);
    pass = await readOnce(ctx, req, info.apiVersion);
  }
  return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: pass.responses };
});
