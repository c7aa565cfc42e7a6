import { InvalidTopicError } from '../../errors.js';
import type { BrokerContext } from '../broker-context.js';
import { ERROR_CODES, errorCodeOf } from '../protocol/error-codes.js';
import { Metadata } from '../protocol/messages/index.js';
import { isZeroId, topicIdOf, topicNameOf } from '../topic-ids.js';
import { CLUSTER_OPERATIONS, OPERATIONS_NOT_ASKED, TOPIC_OPERATIONS } from './authorized-operations.js';
import { AutoCreateBudget } from './auto-create.js';
import { handler } from './handler.js';
import { INTERNAL_TOPICS } from './internal-topics.js';

function describe(ctx: BrokerContext, name: string, operations: number) {
  const { partitions } = ctx.log.describeTopic(name);
  const node = ctx.config.nodeId;
  return {
    errorCode: 0,
    name,
    topicId: topicIdOf(name),
    isInternal: INTERNAL_TOPICS.has(name),
    partitions: Array.from({ length: partitions }, (_, i) => ({
      errorCode: 0,
      partitionIndex: i,
      leaderId: node,
      leaderEpoch: 0,
      replicaNodes: [node],
      isrNodes: [node],
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: operations,
  };
}

/**
 * One node leads every partition. A topic the client names but the log lacks is created when the broker allows
 * auto-creation and the request does too (v4+ says so explicitly; older versions always allow it, as in Kafka).
 * From v10 a topic may be asked for by id instead; an unknown id is UNKNOWN_TOPIC_ID and is never created.
 */
export const metadata = handler(Metadata, async (ctx, req, info) => {
  const { host, port } = ctx.advertised();
  const all = req.topics === null || (info.apiVersion === 0 && req.topics.length === 0);
  const wanted = all ? ctx.log.listTopics().map((name) => ({ name, topicId: topicIdOf(name) })) : req.topics!;
  const operations = req.includeTopicAuthorizedOperations ? TOPIC_OPERATIONS : OPERATIONS_NOT_ASKED;
  const topics = [];
  const budget = new AutoCreateBudget(ctx, info.clientId);
  for (const t of wanted) {
    const name = t.name ?? (isZeroId(t.topicId) ? null : topicNameOf(ctx.log, t.topicId));
    if (name === null) {
      // v12 answers an unknown id with a null name; v10–11 cannot, and answer an empty one.
      const unknownName = info.apiVersion >= 12 ? null : '';
      topics.push({
        errorCode: ERROR_CODES.UNKNOWN_TOPIC_ID,
        name: unknownName,
        topicId: t.topicId,
        partitions: [],
      });
      continue;
    }
    try {
      if (!ctx.log.hasTopic(name)) {
        if (
          !ctx.config['auto.create.topics.enable'] ||
          !req.allowAutoTopicCreation ||
          INTERNAL_TOPICS.has(name) ||
          !budget.take(name)
        ) {
          topics.push({ errorCode: ERROR_CODES.UNKNOWN_TOPIC_OR_PARTITION, name, partitions: [] });
          continue;
        }
        await ctx.log.createTopic(name, { partitions: ctx.config['num.partitions'] });
        ctx.logger.info({ topic: name, client: info.clientId }, 'auto-created topic on metadata request');
      }
      topics.push(describe(ctx, name, operations));
    } catch (err) {
      // Another request may have created it in the meantime.
      if (ctx.log.hasTopic(name)) topics.push(describe(ctx, name, operations));
      else {
        const code =
          err instanceof InvalidTopicError ? ERROR_CODES.INVALID_TOPIC_EXCEPTION : errorCodeOf(err);
        topics.push({ errorCode: code, name, partitions: [] });
      }
    }
  }
  return {
    brokers: [{ nodeId: ctx.config.nodeId, host, port, rack: null }],
    clusterId: ctx.config.clusterId,
    controllerId: ctx.config.nodeId,
    topics,
    clusterAuthorizedOperations: req.includeClusterAuthorizedOperations
      ? CLUSTER_OPERATIONS
      : OPERATIONS_NOT_ASKED,
  };
});
