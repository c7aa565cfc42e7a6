// The Connect runtime's public face: the contracts connectors are written against, the data model, converters,
// transforms and error handling. Connectors import from here and nothing else.

export type { TopicPartition, TopicPartitionOffset } from '../client/index.js';
export { BadInputError, ConfigError } from '../errors.js';
export { field } from './config-fields.js';
export type {
  AnyConnectorDefinition,
  ConnectorConfigSchema,
  SinkConnectorDefinition,
  SourceConnectorDefinition,
} from './connector.js';
export { defineSinkConnector, defineSourceConnector } from './connector.js';
export type { Converter, ConverterDefinition, SchemaAndValue } from './converters/index.js';
export { asText, converters, createConverter, findConverter, JsonConverter } from './converters/index.js';
export type {
  ConnectHeader,
  ConnectRecord,
  SinkRecord,
  SourceMap,
  SourceRecord,
} from './data/connect-record.js';
export { isSinkRecord } from './data/connect-record.js';
export { JsonBytes } from './data/json-bytes.js';
export type { Field, Schema, SchemaType } from './data/schema.js';
export { array, LogicalType, map, optional, primitive, Schemas, struct } from './data/schema.js';
export {
  ConflictError,
  DataError,
  EndOfInputError,
  NotConnectedError,
  NotFoundError,
  RetriableError,
  ToleranceExceededError,
} from './errors.js';
export type { SinkTask } from './sink-task.js';
export type { SourceProgress, SourceTask } from './source-task.js';
export type {
  OffsetReader,
  SinkTaskContext,
  SourceTaskContext,
  TaskContext,
  TaskLogger,
} from './task-context.js';
export type { ErrorConfig, ErrorReport, ErrorReporter, ErrorStage } from './tolerance/index.js';
export {
  DeadLetterQueueReporter,
  DlqHeader,
  RetryWithToleranceOperator,
  SKIPPED,
} from './tolerance/index.js';
export type {
  Predicate,
  PredicateDefinition,
  Transformation,
  TransformDefinition,
} from './transforms/index.js';
export { predicates, TransformChain, transforms } from './transforms/index.js';
