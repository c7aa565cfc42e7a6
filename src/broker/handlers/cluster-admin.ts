import { ERROR_CODES, errorCodeOf } from '../protocol/error-codes.js';
import {
  DescribeCluster,
  DescribeProducers,
  DescribeTransactions,
  ListTransactions,
} from '../protocol/messages/index.js';
import { CLUSTER_OPERATIONS, OPERATIONS_NOT_ASKED } from './authorized-operations.js';
import { handler } from './handler.js';

/** DescribeCluster's endpoint types (KIP-919). */
enum EndpointType {
  Broker = 1,
  Controller = 2,
}

/** The one node, which is both the broker and the controller of its cluster. */
export const describeCluster = handler(DescribeCluster, async (ctx, req) => {
  const { host, port } = ctx.advertised();
  const node = ctx.config.nodeId;
  if (req.endpointType !== EndpointType.Broker && req.endpointType !== EndpointType.Controller) {
    return {
      errorCode: ERROR_CODES.INVALID_REQUEST,
      errorMessage: `endpoint type ${req.endpointType} is not 1 (brokers) or 2 (controllers)`,
      endpointType: req.endpointType,
      clusterId: ctx.config.clusterId,
    };
  }
  return {
    errorCode: 0,
    errorMessage: null,
    endpointType: req.endpointType,
    clusterId: ctx.config.clusterId,
    controllerId: node,
    brokers: [{ brokerId: node, host, port, rack: null }],
    clusterAuthorizedOperations: req.includeClusterAuthorizedOperations
      ? CLUSTER_OPERATIONS
      : OPERATIONS_NOT_ASKED,
  };
});

/**
 * The idempotent producers each partition has seen since the broker started, with the last sequence each wrote.
 * No producer here is in a transaction, so none has a transaction start offset.
 */
export const describeProducers = handler(DescribeProducers, async (ctx, req) => ({
  topics: req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((partitionIndex) => {
      try {
        ctx.log.offsets(t.name, partitionIndex);
        const activeProducers = ctx.producers.describe(t.name, partitionIndex).map((p) => ({
          ...p,
          coordinatorEpoch: -1,
          currentTxnStartOffset: -1,
        }));
        return { partitionIndex, errorCode: 0, errorMessage: null, activeProducers };
      } catch (err) {
        return { partitionIndex, errorCode: errorCodeOf(err), errorMessage: (err as Error).message };
      }
    }),
  })),
}));

/** Transactions are not served, so no transactional id is known here (TRANSACTIONAL_ID_NOT_FOUND, as Kafka). */
export const describeTransactions = handler(DescribeTransactions, async (_ctx, req) => ({
  transactionStates: req.transactionalIds.map((transactionalId) => ({
    errorCode: ERROR_CODES.TRANSACTIONAL_ID_NOT_FOUND,
    transactionalId,
    transactionState: '',
    transactionTimeoutMs: 0,
    transactionStartTimeMs: -1,
    producerId: -1,
    producerEpoch: -1,
  })),
}));

/** Kafka's transaction states, which ListTransactions filters by. */
const TRANSACTION_STATES = new Set([
  'Empty',
  'Ongoing',
  'PrepareCommit',
  'PrepareAbort',
  'CompleteCommit',
  'CompleteAbort',
  'Dead',
  'PrepareEpochFence',
]);

/** Transactions are not served: the list is always empty; state filters Kafka does not know are echoed back. */
export const listTransactions = handler(ListTransactions, async (_ctx, req) => ({
  errorCode: 0,
  unknownStateFilters: req.stateFilters.filter((s) => !TRANSACTION_STATES.has(s)),
  transactionStates: [],
}));
