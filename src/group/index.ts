/**
 * The group coordinator: Kafka's consumer-group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup,
 * OffsetCommit, OffsetFetch, ListGroups, DescribeGroups, DeleteGroups) over the segment log, the client-side
 * assignors, the consumer protocol codec, and committed offsets in `__consumer_offsets`. See docs/group.md.
 */
export type {
  AssignmentPlan,
  AssignorMember,
  PartitionAssignor,
  PartitionsPerTopic,
  RebalanceProtocol,
} from './assignors/index.js';
export {
  assignorByName,
  builtInAssignors,
  cooperativeStickyAssign,
  cooperativeStickyAssignor,
  membersFromJoin,
  performAssignment,
  rangeAssign,
  rangeAssignor,
  roundRobinAssign,
  roundRobinAssignor,
} from './assignors/index.js';
export type { ConsumerAssignment, ConsumerSubscription } from './consumer-protocol.js';
export {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from './consumer-protocol.js';
export { coordinatorConfigSchema } from './coordinator-config.js';
export { openGroupCoordinator } from './group-coordinator.js';
export { groupPartition, javaStringHashCode, OFFSETS_TOPIC } from './offsets-topic-records.js';
export { ManualScheduler, systemScheduler } from './scheduler.js';
export type {
  CommittedOffset,
  CoordinatorConfig,
  CoordinatorLog,
  CoordinatorOptions,
  DeleteGroupResult,
  GroupCoordinator,
  GroupDescription,
  GroupErrorCode,
  GroupListing,
  GroupProtocol,
  GroupState,
  HeartbeatRequest,
  JoinGroupMember,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  MemberDescription,
  OffsetCommitPartition,
  OffsetCommitRequest,
  OffsetCommitResult,
  OpenGroupCoordinator,
  Scheduler,
  StoredRecord,
  SyncGroupRequest,
  SyncGroupResponse,
  TimerHandle,
  TopicPartition,
} from './types.js';
