import type { SourceMap, SourceRecord, SourceTaskContext, TaskLogger } from '../../../src/connect/index.js';

/** Offsets kept in memory the way the runtime keeps them in connect-offsets: the last committed per partition. */
export class MemoryOffsets {
  readonly committed = new Map<string, SourceMap>();
  commit(records: SourceRecord[]): void {
    for (const r of records) this.committed.set(JSON.stringify(r.sourcePartition), r.sourceOffset);
  }
  reader() {
    return { offset: async (p: SourceMap) => this.committed.get(JSON.stringify(p)) ?? null };
  }
}

export const quietLogger: TaskLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A task's context; `commitRequests` counts the task's calls of `requestCommit`. */
export function sourceContext(
  offsets: MemoryOffsets,
  taskId = 0,
): SourceTaskContext & { commitRequests: number } {
  const signal: AbortSignal = new AbortController().signal;
  const context = {
    connectorName: 'csv-test',
    taskId,
    logger: quietLogger,
    signal,
    offsetReader: offsets.reader(),
    commitRequests: 0,
    requestCommit() {
      context.commitRequests++;
    },
  };
  return context;
}
