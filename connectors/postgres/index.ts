// The PostgreSQL connectors: a query source (Confluent JDBC source's job), a change-data-capture source over
// logical replication (Debezium's job), and an exactly-once sink (Confluent JDBC sink's job).

export { CdcSourceTask, postgresCdcSource } from './cdc-source.js';
export { UNAVAILABLE_VALUE } from './change-events.js';
export type { CdcSourceConfig, QuerySourceConfig, QuerySourceTaskConfig, SinkConfig } from './config.js';
export { cdcSourceConfig, querySourceConfig, sinkConfig } from './config.js';
export { PostgresSinkTask, postgresSink } from './sink.js';
export { postgresSource, QuerySourceTask } from './source.js';
