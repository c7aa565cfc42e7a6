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
  OffsetOutOfRangeError,
  RecordTooLargeError,
  SluiceError,
  TopicExistsError,
  UnknownPartitionError,
  UnknownTopicError,
} from './errors.js';
