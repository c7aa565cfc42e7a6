/**
 * States of connectors and tasks, Kafka Connect's names. `FINISHED` is sluice's addition: a bounded source task
 * that delivered all its input (EndOfInputError) and committed its offsets.
 */
export type TaskState =
  | 'UNASSIGNED'
  | 'RUNNING'
  | 'PAUSED'
  | 'FAILED'
  | 'RESTARTING'
  | 'STOPPED'
  | 'FINISHED';

export interface TaskStatus {
  id: number;
  state: TaskState;
  worker_id: string;
  /** The error and its stack, for FAILED tasks (and the last one for RESTARTING tasks). */
  trace?: string;
}

export function traceOf(err: unknown): string {
  if (err instanceof Error) {
    let trace = err.stack ?? `${err.name}: ${err.message}`;
    let cause = err.cause;
    while (cause instanceof Error) {
      trace += `\nCaused by: ${cause.stack ?? cause.message}`;
      cause = cause.cause;
    }
    return trace;
  }
  return String(err);
}
