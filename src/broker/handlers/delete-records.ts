import { ERROR_CODES, errorCodeOf } from '../protocol/error-codes.js';
import { DeleteRecords } from '../protocol/messages/index.js';
import { handler } from './handler.js';
import { INTERNAL_TOPICS } from './internal-topics.js';

/** Moves each partition's log start offset forward (offset -1: to the high watermark); never of internal topics. */
export const deleteRecords = handler(DeleteRecords, async (ctx, req) => ({
  topics: await Promise.all(
    req.topics.map(async (t) => ({
      name: t.name,
      partitions: await Promise.all(
        t.partitions.map(async (p) => {
          try {
            // As Kafka: the coordinators' state would go with the records.
            if (INTERNAL_TOPICS.has(t.name)) {
              return {
                partitionIndex: p.partitionIndex,
                lowWatermark: -1,
                errorCode: ERROR_CODES.INVALID_TOPIC_EXCEPTION,
              };
            }
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
