import {
  GroupError,
  OffsetOutOfRangeError,
  SluiceError,
  TopicExistsError,
  UnknownTopicError,
} from '../../errors.js';

/** What a failed kafkajs call was about, so the typed error can name it. */
export interface ErrorContext {
  topic?: string;
  partition?: number;
  groupId?: string;
}

interface KafkaJsError extends Error {
  type?: string;
  retriable?: boolean;
  errors?: unknown[];
}

/** The protocol error under kafkajs's wrappers: a retrier that gives up wraps the broker's error as its `cause`. */
function causeType(e: KafkaJsError | undefined): string {
  for (let c = e?.cause as KafkaJsError | undefined; c; c = c.cause as KafkaJsError | undefined)
    if (c.type) return c.type;
  return '';
}

/**
 * Turns a kafkajs error into sluice's typed error: kafkajs names the protocol error in `type` (Kafka's error
 * names, e.g. `UNKNOWN_TOPIC_OR_PARTITION`), which sluice's codes follow. Errors already typed pass through.
 */
export function fromKafkaJs(err: unknown, context: ErrorContext = {}): Error {
  if (err instanceof SluiceError) return err;
  const e = err as KafkaJsError;
  const inner = e?.errors?.find((x) => (x as KafkaJsError)?.type) as KafkaJsError | undefined;
  const type = e?.type ?? inner?.type ?? causeType(e);
  const what = e?.message ?? String(err);
  switch (type) {
    case 'UNKNOWN_TOPIC_OR_PARTITION':
      return new UnknownTopicError(context.topic ?? '?');
    case 'TOPIC_ALREADY_EXISTS':
      return new TopicExistsError(context.topic ?? '?');
    case 'OFFSET_OUT_OF_RANGE':
      return new OffsetOutOfRangeError(context.topic ?? '?', context.partition ?? -1, -1, -1, -1);
    case 'GROUP_ID_NOT_FOUND':
    case 'NON_EMPTY_GROUP':
    case 'ILLEGAL_GENERATION':
    case 'REBALANCE_IN_PROGRESS':
    case 'UNKNOWN_MEMBER_ID':
    case 'COORDINATOR_NOT_AVAILABLE':
      return new GroupError(type, context.groupId ?? '?', `${what} (from the broker)`, e?.retriable ?? false);
    default: {
      const wrapped = new SluiceError(
        type || 'KAFKA_ERROR',
        `the Kafka cluster refused the request${context.topic ? ` for topic ${JSON.stringify(context.topic)}` : ''}: ${what}`,
        { cause: err, retriable: e?.retriable ?? false },
      );
      return wrapped;
    }
  }
}

/** Runs a kafkajs call, rethrowing its failure as a typed error. */
export async function kafkaCall<T>(context: ErrorContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw fromKafkaJs(err, context);
  }
}
