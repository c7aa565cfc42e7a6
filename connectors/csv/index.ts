// The CSV connectors: a spool-directory source and a sink writing complete files.

export type { CsvSinkConfig, CsvSourceConfig, CsvSourceTaskConfig } from './config.js';
export { csvSinkConfig, csvSourceConfig } from './config.js';
export { CsvSinkTask, csvFileName, csvSink } from './sink.js';
export { CsvHeaders, CsvSourceTask, csvSource } from './source.js';
