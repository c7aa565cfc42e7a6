import type { BrokerContext } from '../broker-context.js';
import { errorCodeOf } from '../protocol/error-codes.js';
import { ListOffsets } from '../protocol/messages/index.js';
import { handler } from './handler.js';

/** Timestamps with a special meaning in ListOffsets. */
enum OffsetSpec {
  Latest = -1, // the high watermark: the offset the next record will get
  Earliest = -2, // the log start offset
}

async function lookup(ctx: BrokerContext, topic: string, partition: number, timestamp: number) {
  const { logStartOffset, highWatermark } = ctx.log.offsets(topic, partition);
  if (timestamp === OffsetSpec.Latest) return { timestamp: -1, offset: highWatermark };
  if (timestamp === OffsetSpec.Earliest) return { timestamp: -1, offset: logStartOffset };
  const offset = await ctx.log.offsetForTime(topic, partition, timestamp);
  // No record at or after the timestamp: Kafka answers offset -1.
  return offset === null ? { timestamp: -1, offset: -1 } : { timestamp, offset };
}

/**
 * The earliest offset (-2), the latest (-1), or the first offset whose timestamp is at or after the one asked for.
 * v0 answers in the old form, a list of offsets.
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
