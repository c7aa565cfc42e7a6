import { z } from 'zod';
import type { ConsumerOptions } from '../../client/consumer.js';
import type { ProducerOptions } from '../../client/producer.js';
import { parseConfig } from '../../config/index.js';

const schema = z.strictObject({
  applicationId: z
    .string()
    .regex(/^[a-zA-Z0-9._-]+$/, 'must be letters, digits, ".", "_" or "-" (it prefixes topic names)'),
  guarantee: z.enum(['at_least_once', 'exactly_once']).default('at_least_once'),
  commitIntervalMs: z.number().int().positive().default(1000),
  maxBufferedRecords: z.number().int().positive().default(20_000),
  maxTaskIdleMs: z.number().int().nonnegative().default(100),
  acks: z.union([z.literal(1), z.literal(-1), z.literal('all')]).default('all'),
  consumer: z.record(z.string(), z.unknown()).default({}),
  producer: z.record(z.string(), z.unknown()).default({}),
});

/**
 * Consumer settings an app starts from (its `consumer` option overrides them). A partition holds one fetched chunk
 * while its batches are processed, decoded into a few objects per record: 128 KiB chunks (not the consumer's
 * 1 MiB) keep that young, so it dies before the garbage collector promotes it, and bound it the way Kafka Streams'
 * `buffered.records.per.partition` does. 1,000 records a poll is Kafka Streams' `max.poll.records`.
 */
export const CONSUMER_DEFAULTS = {
  'max.partition.fetch.bytes': 128 * 1024,
  'max.poll.records': 1000,
} as const;

/** What {@link streams} takes. */
export interface StreamsOptions {
  /**
   * Names the app: its consumer group, and the prefix of its internal topics (`<app>-<store>-changelog`,
   * `<app>-<name>-repartition`, `<app>-<store>-late`). Instances with the same id share the work.
   */
  applicationId: string;
  /**
   * `at_least_once` (default): input offsets are committed only after the outputs and changelog records they
   * caused are durable, so a crash replays, never loses, but outputs may repeat.
   *
   * `exactly_once`: each commit interval is one transaction of the app's producer holding its outputs,
   * changelog records and input offsets; read_committed readers (and the app itself, which reads its
   * repartition topics and restores its stores read_committed) see all of it or, after a crash, none of it, so
   * nothing repeats and nothing is lost. Outputs become visible only at commits: `commitIntervalMs` is their
   * latency. Embedded logs only; the kafka backend refuses it (no `transactional.id` there).
   */
  guarantee?: 'at_least_once' | 'exactly_once';
  /** How often outputs, changelogs and input offsets are committed. Default 1000 ms. */
  commitIntervalMs?: number;
  /**
   * Outputs sent and not yet acknowledged before reading waits, for the oldest of them (backpressure: memory stays
   * bounded, and the producer keeps the newer ones to write meanwhile). Default 20,000.
   */
  maxBufferedRecords?: number;
  /**
   * How long a task waits for a partition that has nothing buffered but more to read (the log has records not
   * yet fetched, or the app wrote to it: a repartition topic) before it processes what its other partitions hold.
   * Within a task, records are processed in timestamp order across its partitions, and the record it waits for
   * may be the oldest. Kafka Streams' `max.task.idle.ms`. Default 100.
   */
  maxTaskIdleMs?: number;
  /** Durability of outputs and changelogs before a commit: `all` (default, fsynced on the embedded log) or `1`. */
  acks?: 1 | -1 | 'all';
  /**
   * Extra settings of the app's consumer (fetch sizes, timeouts); group, commit and serde settings are the app's.
   * Apps default to `max.partition.fetch.bytes` 128 KiB and `max.poll.records` 1,000.
   */
  consumer?: Partial<ConsumerOptions>;
  /** Extra settings of the app's producer (`linger.ms`, `batch.size`). */
  producer?: Partial<ProducerOptions>;
}

export type ResolvedStreamsOptions = z.output<typeof schema> & {
  consumer: Partial<ConsumerOptions>;
  producer: Partial<ProducerOptions>;
};

/** Validates app options (unknown keys suggest the nearest one) and fills defaults. */
export function streamsOptions(input: StreamsOptions): ResolvedStreamsOptions {
  return parseConfig(schema, input, 'streams options') as ResolvedStreamsOptions;
}
