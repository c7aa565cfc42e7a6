export type { KafkaClientOptions } from './kafka-client.js';
export { kafkaClient } from './kafka-client.js';
