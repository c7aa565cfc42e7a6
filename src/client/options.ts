import { z } from 'zod';
import { parseConfig } from '../config/index.js';
import { ConfigError } from '../errors.js';
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

/**
 * How the kafka backend reaches a secured cluster, with the Kafka client's key names. Declared once here for
 * `connect()`, a pipeline's `log:` section and `sluice connect`'s worker file; the values are secrets and never
 * appear in errors or logs.
 */
export const kafkaSecurityShape = {
  'security.protocol': z
    .enum(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'])
    .optional()
    .meta({ description: 'PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL' }),
  'ssl.ca.location': z.string().min(1).optional().meta({
    description: "PEM file of the CA that signed the brokers' certificates (default: the system's)",
  }),
  'ssl.certificate.location': z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'PEM client certificate, for brokers that require one' }),
  'ssl.key.location': z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'PEM private key of the client certificate' }),
  'ssl.key.password': z.string().optional().meta({ description: 'Passphrase of ssl.key.location' }),
  'sasl.mechanism': z
    .enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])
    .optional()
    .meta({ description: 'SASL mechanism (default PLAIN)' }),
  'sasl.username': z.string().min(1).optional(),
  'sasl.password': z.string().optional(),
  'sasl.jaas.config': z.string().optional().meta({
    description:
      'Java-style login: org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";',
  }),
} as const;

const kafkaSecuritySchema = z.strictObject(kafkaSecurityShape);

/** The security keys of a Kafka connection, as written. */
export type KafkaSecurityInput = z.input<typeof kafkaSecuritySchema>;

/** Security settings made whole: the protocol, and SASL credentials when it uses SASL. */
export interface KafkaSecurity {
  protocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  ssl: { ca?: string; certificate?: string; key?: string; keyPassword?: string } | null;
  sasl: { mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string } | null;
}

const SECURITY_KEYS = Object.keys(kafkaSecurityShape);

/** The security keys among `input`'s (a pipeline's `log:`, a worker file), leaving the others out. */
export function pickKafkaSecurity(input: Record<string, unknown>): KafkaSecurityInput {
  return Object.fromEntries(Object.entries(input).filter(([k]) => SECURITY_KEYS.includes(k)));
}

/** `username="…"` and `password="…"` of a PlainLoginModule or ScramLoginModule line. */
function parseJaas(jaas: string, where: string): { username: string; password: string; module: string } {
  const m = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\b([^;]*);?\s*$/s.exec(jaas);
  const module = m?.[1] ?? '';
  if (!m || !/(PlainLoginModule|ScramLoginModule)$/.test(module)) {
    throw new ConfigError(
      `${where}: sasl.jaas.config must be "org.apache.kafka.common.security.plain.PlainLoginModule required username=\\"…\\" password=\\"…\\";" (or ScramLoginModule)`,
      { key: 'sasl.jaas.config' },
    );
  }
  const options = new Map<string, string>();
  for (const o of m[3]!.matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)) {
    options.set(o[1]!, (o[2] ?? o[3] ?? '').replace(/\\(.)/g, '$1'));
  }
  const username = options.get('username');
  const password = options.get('password');
  if (!username || password === undefined) {
    throw new ConfigError(`${where}: sasl.jaas.config needs username="…" and password="…"`, {
      key: 'sasl.jaas.config',
    });
  }
  return { username, password, module };
}

/**
 * Validates the security keys and resolves them: the protocol (SSL when only ssl.* keys are given, SASL_PLAINTEXT
 * when only sasl.* keys are), and the SASL credentials from sasl.username/sasl.password or sasl.jaas.config.
 */
export function kafkaSecurity(input: KafkaSecurityInput, where = 'kafka connection'): KafkaSecurity {
  const o = parseConfig(kafkaSecuritySchema, input, where);
  const anySsl = SECURITY_KEYS.some((k) => k.startsWith('ssl.') && o[k as keyof typeof o] !== undefined);
  const anySasl = SECURITY_KEYS.some((k) => k.startsWith('sasl.') && o[k as keyof typeof o] !== undefined);
  const protocol =
    o['security.protocol'] ??
    (anySasl ? (anySsl ? 'SASL_SSL' : 'SASL_PLAINTEXT') : anySsl ? 'SSL' : 'PLAINTEXT');
  const usesSsl = protocol === 'SSL' || protocol === 'SASL_SSL';
  const usesSasl = protocol.startsWith('SASL_');
  if (!usesSsl && anySsl) {
    throw new ConfigError(`${where}: ssl.* keys need security.protocol SSL or SASL_SSL, not ${protocol}`, {
      key: 'security.protocol',
    });
  }
  if (!usesSasl && anySasl) {
    throw new ConfigError(
      `${where}: sasl.* keys need security.protocol SASL_PLAINTEXT or SASL_SSL, not ${protocol}`,
      {
        key: 'security.protocol',
      },
    );
  }
  if ((o['ssl.certificate.location'] === undefined) !== (o['ssl.key.location'] === undefined)) {
    const missing = o['ssl.key.location'] === undefined ? 'ssl.key.location' : 'ssl.certificate.location';
    throw new ConfigError(
      `${where}: a client certificate needs both ssl.certificate.location and ssl.key.location`,
      {
        key: missing,
      },
    );
  }
  let sasl: KafkaSecurity['sasl'] = null;
  if (usesSasl) {
    const mechanism = o['sasl.mechanism'] ?? 'PLAIN';
    const jaas = o['sasl.jaas.config'] === undefined ? null : parseJaas(o['sasl.jaas.config'], where);
    if (jaas && (o['sasl.username'] !== undefined || o['sasl.password'] !== undefined)) {
      throw new ConfigError(`${where}: give sasl.jaas.config or sasl.username/sasl.password, not both`, {
        key: 'sasl.jaas.config',
      });
    }
    if (jaas && (mechanism === 'PLAIN') !== jaas.module.endsWith('PlainLoginModule')) {
      throw new ConfigError(
        `${where}: sasl.mechanism ${mechanism} needs ${mechanism === 'PLAIN' ? 'PlainLoginModule' : 'ScramLoginModule'} in sasl.jaas.config`,
        { key: 'sasl.jaas.config' },
      );
    }
    const username = jaas?.username ?? o['sasl.username'];
    const password = jaas?.password ?? o['sasl.password'];
    if (username === undefined || password === undefined) {
      throw new ConfigError(
        `${where}: ${protocol} needs sasl.username and sasl.password (or sasl.jaas.config)`,
        { key: username === undefined ? 'sasl.username' : 'sasl.password' },
      );
    }
    sasl = { mechanism, username, password };
  }
  const ssl = usesSsl
    ? {
        ...(o['ssl.ca.location'] !== undefined ? { ca: o['ssl.ca.location'] } : {}),
        ...(o['ssl.certificate.location'] !== undefined
          ? { certificate: o['ssl.certificate.location'] }
          : {}),
        ...(o['ssl.key.location'] !== undefined ? { key: o['ssl.key.location'] } : {}),
        ...(o['ssl.key.password'] !== undefined ? { keyPassword: o['ssl.key.password'] } : {}),
      }
    : null;
  return { protocol, ssl, sasl };
}
