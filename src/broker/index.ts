// The public face of src/broker: the Kafka-protocol server and its wire-protocol codecs.

export type { BrokerConfig, BrokerConfigInput } from './broker-config.js';
export { brokerConfigSchema, parseBrokerConfig } from './broker-config.js';
export type { AdvertisedAddress, BrokerContext, BrokerLog, RequestInfo } from './broker-context.js';
export type { BrokerServerOptions } from './server.js';
export { BrokerServer } from './server.js';
