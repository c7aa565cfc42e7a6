import { decodeBatchRecords, isControlBatch, type LogRecord } from '../../log/index.js';
import type { BrokerContext } from '../broker-context.js';
import { errorCodeOf } from '../protocol/error-codes.js';
import { ListOffsets } from '../protocol/messages/index.js';
import { handler } from './handler.js';

/** Timestamps with a special meaning in ListOffsets. */
enum OffsetSpec {
  Latest = -1, // the high watermark: the offset the next record will get
  Earliest = -2, // the log start offset
  MaxTimestamp = -3, // the record with the largest timestamp (v7+, KIP-734)
  EarliestLocal = -4, // the first offset on local disk (v8+, KIP-405): all of it, here
  LatestTiered = -5, // the last offset in tiered storage (v9+, KIP-1005): there is none here
}

/** Bytes read at a time while looking for the largest timestamp. */
const SCAN_BYTES = 1 << 20;

/** Byte positions in a RecordBatch v2 header (see KAFKA-FACTS). */
enum Batch {
  BaseOffset = 0,
  Length = 8,
  LastOffsetDelta = 23,
  MaxTimestamp = 35,
}

/**
 * The first record with the partition's largest timestamp. Kafka keeps this in memory as it appends; here the
 * partition is read from its start, batch headers first, and only the winning batch is decoded, so the cost grows
 * with the partition: this is a tool's query (`kafka-get-offsets --time -3`), not a consumer's.
 */
async function maxTimestamp(ctx: BrokerContext, topic: string, partition: number) {
  let { logStartOffset: offset, highWatermark } = ctx.log.offsets(topic, partition);
  let best: { timestamp: number; batch: Buffer } | null = null;
  while (offset < highWatermark) {
    const { records } = await ctx.log.read(topic, partition, offset, { maxBytes: SCAN_BYTES, maxWaitMs: 0 });
    let position = 0;
    let next = offset;
    while (position + 12 <= records.length) {
      const end = position + 12 + records.readInt32BE(position + Batch.Length);
      if (end > records.length) break;
      const batch = records.subarray(position, end);
      const timestamp = Number(batch.readBigInt64BE(Batch.MaxTimestamp));
      if (!isControlBatch(batch, 0) && (best === null || timestamp > best.timestamp))
        best = { timestamp, batch };
      next = Number(batch.readBigInt64BE(Batch.BaseOffset)) + batch.readInt32BE(Batch.LastOffsetDelta) + 1;
      position = end;
    }
    if (next <= offset) break;
    offset = next;
    highWatermark = ctx.log.offsets(topic, partition).highWatermark;
  }
  if (best === null) return { timestamp: -1, offset: -1 };
  const records: LogRecord[] = [];
  decodeBatchRecords(best.batch, 0, records);
  const found = records.find((r) => r.timestamp === best.timestamp) ?? records[records.length - 1];
  return { timestamp: best.timestamp, offset: found ? found.offset : -1 };
}

async function lookup(ctx: BrokerContext, topic: string, partition: number, timestamp: number) {
  const { logStartOffset, highWatermark } = ctx.log.offsets(topic, partition);
  switch (timestamp) {
    case OffsetSpec.Latest:
      return { timestamp: -1, offset: highWatermark };
    case OffsetSpec.Earliest:
    case OffsetSpec.EarliestLocal:
      return { timestamp: -1, offset: logStartOffset };
    case OffsetSpec.MaxTimestamp:
      return maxTimestamp(ctx, topic, partition);
    case OffsetSpec.LatestTiered:
      return { timestamp: -1, offset: -1 };
  }
  const offset = await ctx.log.offsetForTime(topic, partition, timestamp);
  // No record at or after the timestamp: Kafka answers offset -1.
  return offset === null ? { timestamp: -1, offset: -1 } : { timestamp, offset };
}

/**
 * The earliest offset (-2), the latest (-1), the record with the largest timestamp (-3), or the first offset
 * whose timestamp is at or after the one asked for. v0 answers in the old form, a list of offsets.
 */
export const listOffsets = handler(ListOffsets, async (ctx, req, info) => ({
  topics: await Promise.all(
    req.topics.map(async (t) => ({
      name: t.name,
      partitions: await Promise.all(
        t.partitions.map(async (p) => {
          try {
            const found = await lookup(ctx, t.name, p.partitionIndex, p.timestamp);
            return {
              partitionIndex: p.partitionIndex,
              errorCode: 0,
              oldStyleOffsets: info.apiVersion === 0 && found.offset >= 0 ? [found.offset] : [],
              timestamp: found.timestamp,
              offset: found.offset,
              leaderEpoch: 0,
            };
          } catch (err) {
            return { partitionIndex: p.partitionIndex, errorCode: errorCodeOf(err) };
          }
        }),
      ),
    })),
  ),
}));
