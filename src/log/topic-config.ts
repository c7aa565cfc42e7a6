import { z } from 'zod';
import { parseConfig, suggest } from '../config/index.js';
import { ConfigError } from '../errors.js';
import type { TopicConfig } from './types.js';

/** Kafka's Long.MAX_VALUE "never", as the largest integer a JavaScript number holds exactly. */
export const NEVER = Number.MAX_SAFE_INTEGER;

const DAY_MS = 24 * 60 * 60 * 1000;

const long = (min: number) =>
  z
    .number()
    .refine(Number.isInteger, { message: 'must be an integer' })
    .refine((n) => n >= min, { message: `must be at least ${min}` })
    // Kafka writes "never" as Long.MAX_VALUE, which a double rounds up past 2^53: read it as never.
    .transform((n) => Math.min(n, NEVER));

/**
 * Every per-topic setting, with Kafka's names, defaults and meaning. The single source for validation, defaults,
 * `sluice topics describe` and the docs.
 */
export const topicConfigSchema = z.strictObject({
  'segment.bytes': long(14)
    .default(1024 * 1024 * 1024)
    .describe('Roll a new segment once the active one would grow past this many bytes.'),
  'segment.ms': long(1)
    .default(7 * DAY_MS)
    .describe(
      'Roll a new segment once the active one is this old (by its first batch timestamp), even if small.',
    ),
  'segment.index.bytes': long(4096)
    .default(10 * 1024 * 1024)
    .describe('Largest offset index of a segment, in bytes (8 per entry); a full index rolls the segment.'),
  'index.interval.bytes': long(0)
    .default(4096)
    .describe('Bytes of batches between two entries of the sparse offset and time indexes.'),
  'retention.ms': long(-1)
    .default(7 * DAY_MS)
    .describe('Delete whole segments whose newest record is older than this; -1 keeps them forever.'),
  'retention.bytes': long(-1)
    .default(-1)
    .describe(
      'Delete the oldest whole segments that the partition holds beyond this many bytes; -1 for no limit.',
    ),
  'cleanup.policy': z
    .enum(['delete', 'compact', 'compact,delete'])
    .default('delete')
    .describe(
      '"delete" removes old segments by retention; "compact" keeps the newest record per key; or both.',
    ),
  'delete.retention.ms': long(0)
    .default(DAY_MS)
    .describe('How long compaction keeps a tombstone (a null value) so that consumers can see the deletion.'),
  'min.cleanable.dirty.ratio': z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe('Compact a partition once this share of its bytes has not been compacted yet.'),
  'max.message.bytes': long(0)
    .default(1024 * 1024 + 12)
    .describe('Largest record batch the topic accepts, in bytes.'),
  'message.timestamp.type': z
    .enum(['CreateTime', 'LogAppendTime'])
    .default('CreateTime')
    .describe('CreateTime keeps the producer timestamp; LogAppendTime stamps the time of the append.'),
  'compression.type': z
    .enum(['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'])
    .default('producer')
    .describe(
      '"producer" keeps the codec each batch came in; another value stores every batch in that codec, recompressing those sent otherwise.',
    ),
  'flush.messages': long(1)
    .default(NEVER)
    .describe(
      'fsync a partition after this many records; 1 fsyncs every append. Default: never (acks decide).',
    ),
  'flush.ms': long(0)
    .default(NEVER)
    .describe(
      'fsync a partition once its oldest unflushed record is this old. Default: never (acks decide).',
    ),
});

/** The names of the topic settings, in declaration order. */
export const TOPIC_CONFIG_KEYS = Object.keys(topicConfigSchema.shape) as (keyof TopicConfig)[];

/** The effective config of `topic`: its overrides over the log's defaults over Kafka's. Throws ConfigError. */
export function resolveTopicConfig(
  topic: string,
  defaults: Partial<TopicConfig>,
  overrides: Partial<TopicConfig>,
): TopicConfig {
  return parseConfig(topicConfigSchema, { ...defaults, ...overrides }, `topic ${JSON.stringify(topic)}`);
}

/**
 * A topic's overrides after setting `set` and removing `unset`, with the resulting config. Throws ConfigError,
 * with the nearest valid name, for an unknown key or a bad value; nothing changes then.
 */
export function alterOverrides(
  topic: string,
  defaults: Partial<TopicConfig>,
  current: Partial<TopicConfig>,
  set: Partial<TopicConfig>,
  unset: readonly (keyof TopicConfig)[],
): { overrides: Partial<TopicConfig>; config: TopicConfig } {
  for (const key of unset) {
    if (!TOPIC_CONFIG_KEYS.includes(key)) {
      const near = suggest(key, TOPIC_CONFIG_KEYS);
      throw new ConfigError(
        `topic ${JSON.stringify(topic)}: cannot unset unknown key "${key}"${near ? `; did you mean "${near}"?` : ''}`,
        { key, suggestion: near },
      );
    }
  }
  const overrides: Partial<TopicConfig> = { ...current, ...set };
  for (const key of unset) delete overrides[key];
  return { overrides, config: resolveTopicConfig(topic, defaults, overrides) };
}
