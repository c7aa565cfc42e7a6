// Every connector family that ships with sluice, for workers and pipelines to offer as plugins.

import type { AnyConnectorDefinition } from '../src/connect/index.js';
import { csvSink, csvSource } from './csv/index.js';
import { fileSink, fileSource } from './file/index.js';
import { postgresCdcSource, postgresSink, postgresSource } from './postgres/index.js';

export const builtinConnectors: readonly AnyConnectorDefinition[] = [
  fileSource,
  fileSink,
  csvSource,
  csvSink,
  postgresSource,
  postgresCdcSource,
  postgresSink,
];
