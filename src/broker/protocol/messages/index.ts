import type { ApiSpec } from '../schema.js';
import { AlterConfigs } from './alter-configs.js';
import { ApiVersions } from './api-versions.js';
import { CreatePartitions } from './create-partitions.js';
import { CreateTopics } from './create-topics.js';
import { DeleteGroups } from './delete-groups.js';
import { DeleteRecords } from './delete-records.js';
import { DeleteTopics } from './delete-topics.js';
import { DescribeCluster } from './describe-cluster.js';
import { DescribeConfigs } from './describe-configs.js';
import { DescribeGroups } from './describe-groups.js';
import { DescribeProducers } from './describe-producers.js';
import { DescribeTransactions } from './describe-transactions.js';
import { Fetch } from './fetch.js';
import { FindCoordinator } from './find-coordinator.js';
import { Heartbeat } from './heartbeat.js';
import { IncrementalAlterConfigs } from './incremental-alter-configs.js';
import { InitProducerId } from './init-producer-id.js';
import { JoinGroup } from './join-group.js';
import { LeaveGroup } from './leave-group.js';
import { ListGroups } from './list-groups.js';
import { ListOffsets } from './list-offsets.js';
import { ListTransactions } from './list-transactions.js';
import { Metadata } from './metadata.js';
import { OffsetCommit } from './offset-commit.js';
import { OffsetDelete } from './offset-delete.js';
import { OffsetFetch } from './offset-fetch.js';
import { Produce } from './produce.js';
import { SaslAuthenticate } from './sasl-authenticate.js';
import { SaslHandshake } from './sasl-handshake.js';
import { SyncGroup } from './sync-group.js';

export type { AlterConfigsRequest, AlterConfigsResponse } from './alter-configs.js';
export type { ApiVersionsRequest, ApiVersionsResponse } from './api-versions.js';
export type { CreatePartitionsRequest, CreatePartitionsResponse } from './create-partitions.js';
export type { CreateTopicsRequest, CreateTopicsResponse } from './create-topics.js';
export type { DeleteGroupsRequest, DeleteGroupsResponse } from './delete-groups.js';
export type { DeleteRecordsRequest, DeleteRecordsResponse } from './delete-records.js';
export type { DeleteTopicsRequest, DeleteTopicsResponse } from './delete-topics.js';
export type { DescribeClusterRequest, DescribeClusterResponse } from './describe-cluster.js';
export type { DescribeConfigsRequest, DescribeConfigsResponse } from './describe-configs.js';
export type { DescribeGroupsRequest, DescribeGroupsResponse } from './describe-groups.js';
export type { DescribeProducersRequest, DescribeProducersResponse } from './describe-producers.js';
export type { DescribeTransactionsRequest, DescribeTransactionsResponse } from './describe-transactions.js';
export type { FetchRequest, FetchResponse } from './fetch.js';
export type { FindCoordinatorRequest, FindCoordinatorResponse } from './find-coordinator.js';
export type { HeartbeatRequest, HeartbeatResponse } from './heartbeat.js';
export type {
  IncrementalAlterConfigsRequest,
  IncrementalAlterConfigsResponse,
} from './incremental-alter-configs.js';
export type { InitProducerIdRequest, InitProducerIdResponse } from './init-producer-id.js';
export type { JoinGroupRequest, JoinGroupResponse } from './join-group.js';
export type { LeaveGroupRequest, LeaveGroupResponse } from './leave-group.js';
export type { ListGroupsRequest, ListGroupsResponse } from './list-groups.js';
export type { ListOffsetsRequest, ListOffsetsResponse } from './list-offsets.js';
export type { ListTransactionsRequest, ListTransactionsResponse } from './list-transactions.js';
export type { MetadataRequest, MetadataResponse } from './metadata.js';
export type { OffsetCommitRequest, OffsetCommitResponse } from './offset-commit.js';
export type { OffsetDeleteRequest, OffsetDeleteResponse } from './offset-delete.js';
export type { OffsetFetchRequest, OffsetFetchResponse } from './offset-fetch.js';
export type { ProduceRequest, ProduceResponse } from './produce.js';
export type { SaslAuthenticateRequest, SaslAuthenticateResponse } from './sasl-authenticate.js';
export type { SaslHandshakeRequest, SaslHandshakeResponse } from './sasl-handshake.js';
export type { SyncGroupRequest, SyncGroupResponse } from './sync-group.js';

export {
  AlterConfigs,
  ApiVersions,
  CreatePartitions,
  CreateTopics,
  DeleteGroups,
  DeleteRecords,
  DeleteTopics,
  DescribeCluster,
  DescribeConfigs,
  DescribeGroups,
  DescribeProducers,
  DescribeTransactions,
  Fetch,
  FindCoordinator,
  Heartbeat,
  IncrementalAlterConfigs,
  InitProducerId,
  JoinGroup,
  LeaveGroup,
  ListGroups,
  ListOffsets,
  ListTransactions,
  Metadata,
  OffsetCommit,
  OffsetDelete,
  OffsetFetch,
  Produce,
  SaslAuthenticate,
  SaslHandshake,
  SyncGroup,
};

/** Every API the broker speaks, by API key. */
export const APIS: ReadonlyMap<number, ApiSpec> = new Map<number, ApiSpec>(
  [
    Produce,
    Fetch,
    ListOffsets,
    Metadata,
    OffsetCommit,
    OffsetFetch,
    FindCoordinator,
    JoinGroup,
    Heartbeat,
    LeaveGroup,
    SyncGroup,
    DescribeGroups,
    ListGroups,
    SaslHandshake,
    ApiVersions,
    CreateTopics,
    DeleteTopics,
    DeleteRecords,
    InitProducerId,
    DescribeConfigs,
    AlterConfigs,
    SaslAuthenticate,
    CreatePartitions,
    DeleteGroups,
    IncrementalAlterConfigs,
    OffsetDelete,
    DescribeCluster,
    DescribeProducers,
    DescribeTransactions,
    ListTransactions,
  ].map((api) => [api.apiKey, api as ApiSpec]),
);
