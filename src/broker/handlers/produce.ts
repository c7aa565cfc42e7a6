import type { Acks } from '../../log/index.js';
import type { BrokerContext } from '../broker-context.js';
import { batchProducer } from '../producer-states.js';
import { ERROR_CODES, errorCodeOf } from '../protocol/error-codes.js';
import { Produce } from '../protocol/messages/index.js';
import { ProtocolError } from '../protocol/protocol-error.js';
import { AutoCreateBudget } from './auto-create.js';
import { handler } from './handler.js';
import { INTERNAL_TOPICS } from './internal-topics.js';

/** The smallest RecordBatch v2: its header. */
const BATCH_HEADER_BYTES = 61;
/** The first version served: v3 is the first to carry RecordBatch v2. */
const FIRST_SERVED_VERSION = 3;

interface PartitionResult {
  index: number;
  errorCode: number;
  baseOffset: number;
  logAppendTimeMs?: number;
  logStartOffset?: number;
  errorMessage?: string | null;
}

async function append(
  ctx: BrokerContext,
  topic: string,
  index: number,
  records: Buffer,
  acks: Acks,
): Promise<PartitionResult> {
  const result = await ctx.log.appendBatches(topic, index, records, { acks });
  return {
    index,
    errorCode: 0,
    baseOffset: result.baseOffset,
    logAppendTimeMs: result.logAppendTime,
    logStartOffset: ctx.log.offsets(topic, index).logStartOffset,
  };
}

/**
 * Appends one partition's batches. Batches of an idempotent producer (producer id ≥ 0) are checked against the
 * sequences seen before: a retry of a batch already appended answers with its original offset and is not
 * appended again; a gap answers OUT_OF_ORDER_SEQUENCE_NUMBER.
 */
async function producePartition(
  ctx: BrokerContext,
  topic: string,
  index: number,
  records: Buffer | null,
  acks: Acks,
  budget: AutoCreateBudget,
): Promise<PartitionResult> {
  try {
    if (!ctx.log.hasTopic(topic) && ctx.config['auto.create.topics.enable'] && !budget.take(topic)) {
      return {
        index,
        errorCode: ERROR_CODES.UNKNOWN_TOPIC_OR_PARTITION,
        baseOffset: -1,
        errorMessage: `topic ${topic} does not exist, and this request may auto-create no more topics`,
      };
    }
    if (INTERNAL_TOPICS.has(topic)) {
      return {
        index,
        errorCode: ERROR_CODES.INVALID_TOPIC_EXCEPTION,
        baseOffset: -1,
        errorMessage: `Cannot append to internal topic ${topic}`,
      };
    }
    if (!records || records.length < BATCH_HEADER_BYTES) {
      return {
        index,
        errorCode: ERROR_CODES.CORRUPT_MESSAGE,
        baseOffset: -1,
        errorMessage: 'no record batch',
      };
    }
    if (records[16] !== 2) {
      const message = `record batch magic ${records[16]} is not supported; send RecordBatch v2 (magic 2)`;
      return {
        index,
        errorCode: ERROR_CODES.UNSUPPORTED_FOR_MESSAGE_FORMAT,
        baseOffset: -1,
        errorMessage: message,
      };
    }
    const producer = batchProducer(records);
    if (producer.producerId < 0) return await append(ctx, topic, index, records, acks);
    return await ctx.producers.serialize(topic, index, async () => {
      const verdict = ctx.producers.check(topic, index, producer);
      if (verdict.kind === 'duplicate') return { index, errorCode: 0, baseOffset: verdict.baseOffset };
      if (verdict.kind === 'error') {
        return { index, errorCode: verdict.errorCode, baseOffset: -1, errorMessage: verdict.message };
      }
      const result = await append(ctx, topic, index, records, acks);
      ctx.producers.record(topic, index, producer, result.baseOffset);
      return result;
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { index, errorCode: errorCodeOf(err), baseOffset: -1, errorMessage: message };
  }
}

const ACKS: Record<number, Acks> = { 0: 0, 1: 1, [-1]: -1 };

/** A partition's answer when the whole request is refused. */
function refused(index: number, errorCode: number, errorMessage: string): PartitionResult {
  return { index, errorCode, baseOffset: -1, errorMessage };
}

/**
 * Appends each partition's batches. Versions 0–2, listed only for librdkafka's sake, carry the older message
 * formats and get UNSUPPORTED_VERSION on every partition; a transactional producer gets
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED: both are errors clients do not retry.
 */
export const produce = handler(Produce, async (ctx, req, info) => {
  const acks = ACKS[req.acks];
  const budget = new AutoCreateBudget(ctx, info.clientId);
  let refusal: { errorCode: number; message: string } | null = null;
  if (info.apiVersion < FIRST_SERVED_VERSION) {
    const message = `Produce v${info.apiVersion} is not served; Produce v${FIRST_SERVED_VERSION}+ (RecordBatch v2) is`;
    refusal = { errorCode: ERROR_CODES.UNSUPPORTED_VERSION, message };
    ctx.logger.warn({ client: info.clientId }, message);
  } else if (req.transactionalId !== null) {
    const message = `transactions are not served by this broker (transactional.id ${JSON.stringify(req.transactionalId)})`;
    refusal = { errorCode: ERROR_CODES.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, message };
  }
  const responses = await Promise.all(
    req.topicData.map(async (t) => ({
      name: t.name,
      partitionResponses: await Promise.all(
        t.partitionData.map((p) =>
          refusal !== null
            ? refused(p.index, refusal.errorCode, refusal.message)
            : acks === undefined
              ? refused(
                  p.index,
                  ERROR_CODES.INVALID_REQUIRED_ACKS,
                  `acks must be 0, 1 or -1, got ${req.acks}`,
                )
              : producePartition(ctx, t.name, p.index, p.records, acks, budget),
        ),
      ),
    })),
  );
  if (acks !== 0) return { responses };
  // acks=0 has no response to carry an error: Kafka closes the connection instead, so the producer notices.
  for (const t of responses) {
    for (const p of t.partitionResponses) {
      if (p.errorCode !== 0) {
        throw new ProtocolError(
          `produce with acks=0 to ${t.name}-${p.index} failed with error ${p.errorCode}`,
        );
      }
    }
  }
  return null;
});
