// The PostgreSQL connectors: a query source (Confluent JDBC source's job), a change-data-capture source over
// logical replication (Debezium's job), and an exactly-once sink (Confluent JDBC sink's job).

export type { QuerySourceConfig, QuerySourceTaskConfig } from './config.js';
export { querySourceConfig } from './config.js';
export { postgresSource, QuerySourceTask } from './source.js';
