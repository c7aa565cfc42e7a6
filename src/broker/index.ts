// The public face of src/broker: the Kafka-protocol server and its wire-protocol codecs.

export type { BrokerConfig, BrokerConfigInput } from './broker-config.js';
export { brokerConfigSchema, parseBrokerConfig } from './broker-config.js';
export type { AdvertisedAddress, BrokerContext, BrokerLog, RequestInfo } from './broker-context.js';
export type { RunBrokerOptions, RunningBroker } from './run-broker.js';
export { runBroker } from './run-broker.js';
export type { ServedLog } from './serve-log.js';
export { serveLog } from './serve-log.js';
export type { BrokerServerOptions } from './server.js';
export { BrokerServer } from './server.js';
