import type { BrokerContext } from '../broker-context.js';
import { ERROR_CODES, errorCodeOf } from '../protocol/error-codes.js';
import { CreatePartitions, CreateTopics, DeleteTopics } from '../protocol/messages/index.js';
import { isZeroId, topicIdOf, topicNameOf } from '../topic-ids.js';
import { topicConfigEntries } from './configs.js';
import { handler } from './handler.js';
import { parseTopicConfigs } from './topic-config-values.js';

/**
 * More partitions than this in one topic is refused: each is a directory with open files, and a stray digit in a
 * request should not exhaust the machine's file descriptors.
 */
export const MAX_PARTITIONS_PER_TOPIC = 10_000;

function tooMany(name: string, count: number) {
  const errorMessage = `topic "${name}" asks for ${count} partitions; this broker serves at most ${MAX_PARTITIONS_PER_TOPIC}`;
  return { name, errorCode: ERROR_CODES.INVALID_PARTITIONS, errorMessage };
}

function failure(err: unknown): { errorCode: number; errorMessage: string } {
  return { errorCode: errorCodeOf(err), errorMessage: err instanceof Error ? err.message : String(err) };
}

interface CreatedTopic {
  name: string;
  errorCode: number;
  errorMessage: string | null;
  topicId?: Buffer;
  numPartitions?: number;
  replicationFactor?: number;
  configs?:
    | { name: string; value: string; readOnly: boolean; configSource: number; isSensitive: boolean }[]
    | null;
}

/** What CreateTopics v5+ tells about a topic just created: its id, partitions, replication and settings. */
function created(ctx: BrokerContext, name: string): CreatedTopic {
  const { partitions, config } = ctx.log.describeTopic(name);
  const configs = topicConfigEntries(config).map(([key, value, source]) => ({
    name: key,
    value,
    readOnly: false,
    configSource: source,
    isSensitive: false,
  }));
  return {
    name,
    errorCode: 0,
    errorMessage: null,
    topicId: topicIdOf(name),
    numPartitions: partitions,
    replicationFactor: 1,
    configs,
  };
}

async function createTopic(
  ctx: BrokerContext,
  t: { name: string; numPartitions: number; replicationFactor: number; assignments: unknown[] },
  configs: { name: string; value: string | null }[],
  validateOnly: boolean,
): Promise<CreatedTopic> {
  const { name } = t;
  if (ctx.log.hasTopic(name)) {
    return {
      name,
      errorCode: ERROR_CODES.TOPIC_ALREADY_EXISTS,
      errorMessage: `topic "${name}" already exists`,
    };
  }
  if (t.replicationFactor !== -1 && t.replicationFactor !== 1) {
    const errorMessage = `replication factor ${t.replicationFactor} is larger than the 1 broker available`;
    return { name, errorCode: ERROR_CODES.INVALID_REPLICATION_FACTOR, errorMessage };
  }
  const partitions = t.numPartitions === -1 ? ctx.config['num.partitions'] : t.numPartitions;
  if (partitions < 1 && t.assignments.length === 0) {
    const errorMessage = `topic "${name}" needs at least 1 partition, asked for ${partitions}`;
    return { name, errorCode: ERROR_CODES.INVALID_PARTITIONS, errorMessage };
  }
  if (partitions > MAX_PARTITIONS_PER_TOPIC) return tooMany(name, partitions);
  const count = partitions > 0 ? partitions : t.assignments.length;
  if (validateOnly) {
    return {
      name,
      errorCode: 0,
      errorMessage: null,
      numPartitions: count,
      replicationFactor: 1,
      configs: null,
    };
  }
  try {
    await ctx.log.createTopic(name, { partitions: count, config: parseTopicConfigs(configs) });
    return created(ctx, name);
  } catch (err) {
    return { name, ...failure(err) };
  }
}

/** Creates topics on the one node; replication factors other than 1 (or -1, the default) are refused. */
export const createTopics = handler(CreateTopics, async (ctx, req) => {
  const topics = [];
  for (const t of req.topics) topics.push(await createTopic(ctx, t, t.configs, req.validateOnly));
  return { topics };
});

/** Deletes topics by name, or from v6 by name or id (an unknown id is UNKNOWN_TOPIC_ID). */
export const deleteTopics = handler(DeleteTopics, async (ctx, req, info) => {
  const asked =
    info.apiVersion >= 6 ? req.topics : req.topicNames.map((name) => ({ name, topicId: Buffer.alloc(16) }));
  const responses = [];
  for (const t of asked) {
    const byId = t.name === null && !isZeroId(t.topicId);
    const name = byId ? topicNameOf(ctx.log, t.topicId) : t.name;
    if (name === null) {
      const errorMessage = byId ? 'no topic has this id' : 'give a topic name or id';
      const errorCode = byId ? ERROR_CODES.UNKNOWN_TOPIC_ID : ERROR_CODES.INVALID_REQUEST;
      responses.push({ name: null, topicId: t.topicId, errorCode, errorMessage });
      continue;
    }
    const topicId = topicIdOf(name);
    try {
      await ctx.log.deleteTopic(name);
      responses.push({ name, topicId, errorCode: 0 });
    } catch (err) {
      responses.push({ name, topicId, ...failure(err) });
    }
  }
  return { responses };
});

/** Grows topics to a new total partition count; never shrinks. */
export const createPartitions = handler(CreatePartitions, async (ctx, req) => {
  const results = [];
  for (const t of req.topics) {
    try {
      const current = ctx.log.describeTopic(t.name).partitions;
      if (t.count <= current) {
        const errorMessage = `topic "${t.name}" has ${current} partitions; the new count must be larger, got ${t.count}`;
        results.push({ name: t.name, errorCode: ERROR_CODES.INVALID_PARTITIONS, errorMessage });
        continue;
      }
      if (t.count > MAX_PARTITIONS_PER_TOPIC) {
        results.push(tooMany(t.name, t.count));
        continue;
      }
      if (!req.validateOnly) await ctx.log.createPartitions(t.name, t.count);
      results.push({ name: t.name, errorCode: 0, errorMessage: null });
    } catch (err) {
      results.push({ name: t.name, ...failure(err) });
    }
  }
  return { results };
});
