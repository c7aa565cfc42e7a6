// The client layer's public face: the contract (types), connect(), the embedded backend, the serdes, and the
// option validation and reset planning every backend shares.

export { connect } from './connect.js';
export type { EmbeddedClientOptions, EmbeddedLog } from './embedded/index.js';
export { acquireCoordinator, embeddedClient, releaseCoordinator } from './embedded/index.js';
export type { KafkaClientOptions } from './kafka/index.js';
export { kafkaClient } from './kafka/index.js';
export type { ResetPosition } from './offset-reset-plan.js';
export { planOffsetReset } from './offset-reset-plan.js';
export type {
  KafkaSecurity,
  KafkaSecurityInput,
  ResolvedConsumerOptions,
  ResolvedProducerOptions,
} from './options.js';
export {
  consumerOptions,
  kafkaSecurity,
  kafkaSecurityShape,
  pickKafkaSecurity,
  producerOptions,
} from './options.js';
export { serdes } from './serde.js';
export type {
  Admin,
  AssignorName,
  Bytes,
  Client,
  ClientOptions,
  Consumer,
  ConsumerBatch,
  ConsumerGroupDescription,
  ConsumerGroupListing,
  ConsumerGroupMember,
  ConsumerOptions,
  ConsumerRecord,
  EachBatchPayload,
  EachMessagePayload,
  EmbeddedLogOptions,
  Header,
  KafkaLogOptions,
  NewTopic,
  OffsetResetPlanEntry,
  OffsetResetRequest,
  OffsetResetTarget,
  Partitioner,
  PartitionInfo,
  PartitionLag,
  Producer,
  ProducerOptions,
  ProducerRecord,
  RebalanceListener,
  RecordHeaders,
  RecordMetadata,
  RunOptions,
  Serde,
  TopicInfo,
  TopicMessages,
  TopicPartition,
  TopicPartitionOffset,
  TopicPartitions,
  Transaction,
} from './types.js';
