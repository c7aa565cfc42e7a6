import { apiVersions } from './api-versions.js';
import {
  describeCluster,
  describeProducers,
  describeTransactions,
  listTransactions,
} from './cluster-admin.js';
import { alterConfigs, describeConfigs, incrementalAlterConfigs } from './configs.js';
import { deleteRecords } from './delete-records.js';
import { fetch } from './fetch.js';
import { deleteGroups, describeGroups, listGroups } from './group-admin.js';
import { findCoordinator, heartbeat, joinGroup, leaveGroup, syncGroup } from './group-membership.js';
import { offsetCommit, offsetDelete, offsetFetch } from './group-offsets.js';
import type { Handler } from './handler.js';
import { initProducerId } from './init-producer-id.js';
import { listOffsets } from './list-offsets.js';
import { metadata } from './metadata.js';
import { produce } from './produce.js';
import { saslAuthenticate, saslHandshake } from './sasl.js';
import { createPartitions, createTopics, deleteTopics } from './topics-admin.js';

export { supportedVersions, writeUnsupportedApiVersions } from './api-versions.js';
export type { Handler, HandlerResult } from './handler.js';

/** The broker's request handlers by API key. */
export const HANDLERS: ReadonlyMap<number, Handler> = new Map(
  [
    produce,
    fetch,
    listOffsets,
    metadata,
    offsetCommit,
    offsetFetch,
    findCoordinator,
    joinGroup,
    heartbeat,
    leaveGroup,
    syncGroup,
    describeGroups,
    listGroups,
    saslHandshake,
    apiVersions,
    createTopics,
    deleteTopics,
    deleteRecords,
    initProducerId,
    describeConfigs,
    alterConfigs,
    saslAuthenticate,
    createPartitions,
    deleteGroups,
    incrementalAlterConfigs,
    offsetDelete,
    describeCluster,
    describeProducers,
    describeTransactions,
    listTransactions,
  ].map((h) => [h.api.apiKey, h]),
);
