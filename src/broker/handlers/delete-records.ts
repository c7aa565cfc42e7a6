import { errorCodeOf } from '../protocol/error-codes.js';
import { DeleteRecords } from '../protocol/messages/index.js';
import { handler } from './handler.js';

/** Moves each partition's log start offset forward (offset -1: to the high watermark). */
export const deleteRecords = handler(DeleteRecords, async (ctx, req) => ({
  topics: await Promise.all(
    req.topics.map(async (t) => ({
      name: t.name,
      partitions: await Promise.all(
        t.partitions.map(async (p) => {
          try {
            const lowWatermark = await ctx.log.deleteRecords(t.name, p.partitionIndex, p.offset);
            return { partitionIndex: p.partitionIndex, lowWatermark, errorCode: 0 };
          } catch (err) {
            return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: errorCodeOf(err) };
          }
        }),
      ),
    })),
  ),
}));
