import type {
  SinkTaskContext,
  SourceMap,
  SourceTaskContext,
  TaskLogger,
} from '../../../src/connect/index.js';

export const quietLogger: TaskLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A source context whose offset reader answers from `offsets` (keyed by JSON of the source partition). */
export function sourceContext(
  offsets: Map<string, SourceMap> = new Map(),
  controller = new AbortController(),
): SourceTaskContext {
  return {
    connectorName: 'test-source',
    taskId: 0,
    logger: quietLogger,
    signal: controller.signal,
    offsetReader: { offset: async (partition) => offsets.get(JSON.stringify(partition)) ?? null },
    requestCommit() {},
  };
}

export function sinkContext(): SinkTaskContext {
  return {
    connectorName: 'test-sink',
    taskId: 0,
    logger: quietLogger,
    signal: new AbortController().signal,
    assignment: () => [],
    seek() {},
    pause() {},
    resume() {},
    requestCommit() {},
  };
}
