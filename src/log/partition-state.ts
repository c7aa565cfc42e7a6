import type { Logger } from 'pino';
import type { ReadOptions, ReadResult, TopicConfig } from './types.js';

/* The shapes a partition is opened with and reads with. */

/** What a partition needs from the log that owns it. */
export interface PartitionContext {
  topic: string;
  partition: number;
  dir: string;
  /** The topic's current config (changes while open apply to the next call). */
  config: () => TopicConfig;
  now: () => number;
  logger: Logger;
  /** An fsync or write failed: the whole log must close, and nothing is retried. */
  onFatal: (err: unknown) => void;
}

/** A read, and where the next one should start (after the batches read, or past a gap with none). */
export interface PartitionRead extends ReadResult {
  next: number;
}

/** A read_committed read: stop at the last stable offset. */
export interface PartitionReadOptions extends ReadOptions {
  committed?: boolean;
}

export interface OpenState {
  /** Offsets below this were fsynced before the last stop (from the recovery-point checkpoint). */
  recoveryPoint: number;
  logStartOffset: number;
  /** Offsets below this were compacted (from the cleaner-offset-checkpoint). */
  cleanedUpTo?: number;
  /** The log was closed cleanly: trust every segment. */
  clean: boolean;
}
