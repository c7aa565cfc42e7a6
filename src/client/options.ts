import { z } from 'zod';
import { parseConfig } from '../config/index.js';
import { COMPRESSION_TYPES } from '../log/codec/compression.js';
import type { ConsumerOptions } from './consumer.js';
import type { ProducerOptions } from './producer.js';
import type { Serde } from './serde.js';

// Options are validated once, here, for every backend: a typo fails the same way whichever log runs underneath.

const serde = z.custom<Serde<unknown>>(
  (v) => typeof v === 'object' && v !== null && 'serialize' in v && 'deserialize' in v,
  'must be a Serde: an object with serialize() and deserialize()',
);
const ms = z.number().int().nonnegative();

const producerSchema = z.strictObject({
  'linger.ms': ms.default(5),
  'batch.size': z.number().int().positive().default(16_384),
  'buffer.memory': z
    .number()
    .int()
    .positive()
    .default(32 * 1024 * 1024),
  acks: z.union([z.literal(0), z.literal(1), z.literal(-1), z.literal('all')]).default(1),
  'compression.type': z.enum(COMPRESSION_TYPES).default('none'),
  'allow.auto.create.topics': z.boolean().default(true),
  'client.id': z.string().default('sluice'),
  keySerde: serde.optional(),
  valueSerde: serde.optional(),
  partitioner: z.custom<(key: Buffer, n: number) => number>((v) => typeof v === 'function').optional(),
  'transactional.id': z.string().min(1).optional(),
});

const consumerSchema = z.strictObject({
  groupId: z.string().min(1).optional(),
  'auto.offset.reset': z.enum(['earliest', 'latest', 'none']).default('latest'),
  'enable.auto.commit': z.boolean().default(true),
  'auto.commit.interval.ms': ms.default(5000),
  'session.timeout.ms': z.number().int().positive().default(45_000),
  'heartbeat.interval.ms': z.number().int().positive().default(3000),
  'max.poll.interval.ms': z.number().int().positive().default(300_000),
  'partition.assignment.strategy': z
    .array(z.enum(['range', 'roundrobin', 'cooperative-sticky']))
    .min(1)
    .default(['range']),
  'fetch.max.wait.ms': ms.default(500),
  'fetch.min.bytes': z.number().int().positive().default(1),
  'max.partition.fetch.bytes': z
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  'max.poll.records': z.number().int().positive().default(500),
  'isolation.level': z.enum(['read_uncommitted', 'read_committed']).default('read_uncommitted'),
  'allow.auto.create.topics': z.boolean().default(false),
  'client.id': z.string().default('sluice'),
  keySerde: serde.optional(),
  valueSerde: serde.optional(),
});

type Resolved<T, D extends keyof T> = Required<Omit<T, D>> & Pick<T, D>;

/** Producer options with every default filled in. */
export type ResolvedProducerOptions<K, V> = Resolved<
  ProducerOptions<K, V>,
  'partitioner' | 'transactional.id'
>;
/** Consumer options with every default filled in; `groupId` stays optional. */
export type ResolvedConsumerOptions<K, V> = Resolved<ConsumerOptions<K, V>, 'groupId'>;

/** Validates producer options (unknown keys suggest the nearest name) and fills defaults; serdes default to bytes. */
export function producerOptions<K, V>(
  input: ProducerOptions<K, V> | undefined,
  defaults: { keySerde: Serde<unknown>; valueSerde: Serde<unknown> },
): ResolvedProducerOptions<K, V> {
  const parsed = parseConfig(producerSchema, input ?? {}, 'producer options');
  return {
    ...parsed,
    keySerde: (parsed.keySerde ?? defaults.keySerde) as Serde<K>,
    valueSerde: (parsed.valueSerde ?? defaults.valueSerde) as Serde<V>,
  } as ResolvedProducerOptions<K, V>;
}

/** Validates consumer options and fills defaults; the heartbeat must be shorter than the session it keeps alive. */
export function consumerOptions<K, V>(
  input: ConsumerOptions<K, V> | undefined,
  defaults: { keySerde: Serde<unknown>; valueSerde: Serde<unknown> },
): ResolvedConsumerOptions<K, V> {
  const checked = consumerSchema.refine((o) => o['heartbeat.interval.ms'] < o['session.timeout.ms'], {
    message: 'heartbeat.interval.ms must be lower than session.timeout.ms',
    path: ['heartbeat.interval.ms'],
  });
  const parsed = parseConfig(checked, input ?? {}, 'consumer options');
  return {
    ...parsed,
    keySerde: (parsed.keySerde ?? defaults.keySerde) as Serde<K>,
    valueSerde: (parsed.valueSerde ?? defaults.valueSerde) as Serde<V>,
  } as ResolvedConsumerOptions<K, V>;
}
