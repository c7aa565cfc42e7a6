// Every connector family that ships with sluice, for workers and pipelines to offer as plugins.

import type { AnyConnectorDefinition } from '../src/connect/index.js';
import { fileSink, fileSource } from './file/index.js';

export const builtinConnectors: readonly AnyConnectorDefinition[] = [fileSource, fileSink];
