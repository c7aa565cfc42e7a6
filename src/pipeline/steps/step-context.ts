import type { OperatorFunction } from 'rxjs';
import type { KTable } from '../../streams/index.js';
import type { AnyRecord } from './dead-letter.js';

/** What compiling a step may use: where it is (for messages), where failures go, and the pipeline's tables. */
export interface StepContext {
  /** e.g. `streams.0.steps.2 (map)`: names the step in errors and dead-letter headers. */
  where: string;
  /** Name of the stream the step belongs to; stores are named after it. */
  stream: string;
  /** Index of the step in its stream. */
  index: number;
  deadLetterTopic: string | undefined;
  /** A topic read as a table (latest JSON value per key), for joins. */
  table(topic: string): KTable<unknown, unknown>;
  /** Directory module paths are relative to (the pipeline file's). */
  baseDir: string;
}

export type CompiledStep = OperatorFunction<AnyRecord, AnyRecord>;
