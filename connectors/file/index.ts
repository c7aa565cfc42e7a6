// The file connectors: Kafka's FileStreamSource and FileStreamSink, and more (globs, rotation, durable writes).

import { join } from 'node:path';
import { defineSinkConnector, defineSourceConnector } from '../../src/connect/index.js';
import { fileSinkConfig, fileSourceConfig } from './config.js';
import { globBase, isGlob } from './glob.js';
import { FileSinkTask } from './sink.js';
import { FileSourceTask } from './source.js';

export type { FileSinkConfig, FileSourceConfig } from './config.js';
export { fileSinkConfig, fileSourceConfig } from './config.js';
export { FileSinkTask } from './sink.js';
export { FileSourceTask } from './source.js';

/** Reads lines of a file (or of every file matching a glob) into a topic; the offset is the byte position. */
export const fileSource = defineSourceConnector({
  name: 'FileStreamSource',
  aliases: [
    'org.apache.kafka.connect.file.FileStreamSourceConnector',
    'FileStreamSourceConnector',
    'file-source',
  ],
  kind: 'source',
  version: '1.0.0',
  description: 'Tails a file (or files matching a glob) line by line into a topic',
  config: fileSourceConfig,
  localPaths: (c) => [isGlob(c.file) ? globBase(c.file) : c.file],
  testInput: (file) => ({ file: file.path, tail: false }),
  // One reader per file keeps the lines of each file in order; all files of a glob share one task.
  taskConfigs: (config) => [config],
  createTask: () => new FileSourceTask(),
});

/** Appends each record's value to a file, one line per record, fsynced on flush. */
export const fileSink = defineSinkConnector({
  name: 'FileStreamSink',
  aliases: ['org.apache.kafka.connect.file.FileStreamSinkConnector', 'FileStreamSinkConnector', 'file-sink'],
  kind: 'sink',
  version: '1.0.0',
  description: 'Appends record values to a file, one line each',
  config: fileSinkConfig,
  localPaths: (c) => [c.file],
  testOutput: (dir) => ({ file: join(dir, 'out') }),
  // Two writers appending to one file would interleave partial writes: one task.
  taskConfigs: (config) => [config],
  createTask: () => new FileSinkTask(),
});
