// The CSV connectors: a spool-directory source and a sink writing complete files.

export type { CsvSinkConfig, CsvSourceConfig, CsvSourceTaskConfig } from './config.js';
export { csvSinkConfig, csvSourceConfig } from './config.js';
export { CsvHeaders } from './row-to-record.js';
export { CsvSinkTask, csvFileName, csvSink } from './sink.js';
export { CsvSourceTask, csvSource } from './source.js';
