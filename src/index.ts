// The public API of sluice, by layer. Types are exported in their own blocks; nothing is re-exported wholesale.

export type { ConfigIssue } from './config/index.js';
// Config
export { parseConfig } from './config/index.js';
// Errors
export {
  BadInputError,
  ConfigError,
  CorruptRecordError,
  GroupError,
  InvalidTopicError,
  LogClosedError,
  LogLockedError,
  MemberIdRequiredError,
  OffsetOutOfRangeError,
  RecordTooLargeError,
  SluiceError,
  TopicExistsError,
  UnknownPartitionError,
  UnknownTopicError,
} from './errors.js';
export type {
  AssignmentPlan,
  AssignorMember,
  CommittedOffset,
  ConsumerAssignment,
  ConsumerSubscription,
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
  JoinGroupRequest,
  JoinGroupResponse,
  MemberDescription,
  OffsetCommitRequest,
  OffsetCommitResult,
  PartitionAssignor,
  PartitionsPerTopic,
  RebalanceProtocol,
  Scheduler,
  SyncGroupRequest,
  SyncGroupResponse,
} from './group/index.js';
// Group coordination
export {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  ManualScheduler,
  systemScheduler,
} from './group/index.js';
