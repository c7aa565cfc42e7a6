import type { Logger } from 'pino';
import type { TopicConfig } from './types.js';

/** How to open a {@link Log}. */
export interface LogOptions {
  /** The log directory (`log.dir`); created when missing. One process at a time may open it. */
  dir: string;
  /** Topic settings for every topic that does not override them (Kafka's broker-level `log.*` defaults). */
  defaults?: Partial<TopicConfig>;
  /** Create a topic on its first append (with `defaultPartitions`) instead of failing with UnknownTopicError. */
  autoCreateTopics?: boolean;
  /** Partitions of auto-created topics and of createTopic without a count. Default 1. */
  defaultPartitions?: number;
  /** Where recovery, retention and compaction report. Default: pino at info level on stderr. */
  logger?: Logger;
  /** The clock for record timestamps, segment.ms, retention and flush.ms; injectable for tests. */
  now?: () => number;
  /** Run retention every this many ms (Kafka's log.retention.check.interval.ms). Default 300,000; 0 disables. */
  retentionCheckIntervalMs?: number;
  /** Check compacted topics for cleaning every this many ms. Default 15,000; 0 disables. */
  cleanerIntervalMs?: number;
  /** Check `flush.ms` every this many ms; checkpoints are written every 60 of these. Default 1,000; 0 disables. */
  flushCheckIntervalMs?: number;
  /**
   * Segment and index file descriptors the process keeps open, least recently used closed first (a target: files
   * in use or with bytes awaiting an fsync stay open). Shared by every log in the process. Default 1,024.
   */
  maxOpenFiles?: number;
}
