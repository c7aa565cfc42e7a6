// The Connect runtime: workers, task runners, offsets, config loading.

export { parseProperties, readConfigFile } from './config-file.js';
export type { ConnectMetrics } from './connect-metrics.js';
export type { CommonConnectorConfig, ParsedConnectorConfig } from './connector-config.js';
export { connectorConfigSchema, findPlugin, flatKeys, parseConnectorConfig } from './connector-config.js';
export type { ConnectorOffsets } from './connector-offsets.js';
export type { SourceOffsetEntry } from './offset-store.js';
export { OffsetStore } from './offset-store.js';
export { isConnectorDefinition, loadConnectorModule, loadPluginPath } from './plugins.js';
export type { Standalone } from './standalone.js';
export { startStandalone } from './standalone.js';
export type { TaskState, TaskStatus } from './task-status.js';
export type { ConnectorInfo, ConnectorState, ConnectorStatus, WorkerOptions } from './worker.js';
export { Worker } from './worker.js';
export type { WorkerConfig } from './worker-config.js';
export { parseWorkerConfig } from './worker-config.js';
