// The PostgreSQL connectors: a query source (Confluent JDBC source's job), a change-data-capture source over
// logical replication (Debezium's job), and an exactly-once sink (Confluent JDBC sink's job).

export type { QuerySourceConfig, QuerySourceTaskConfig, SinkConfig } from './config.js';
export { querySourceConfig, sinkConfig } from './config.js';
export { PostgresSinkTask, postgresSink } from './sink.js';
export { postgresSource, QuerySourceTask } from './source.js';
