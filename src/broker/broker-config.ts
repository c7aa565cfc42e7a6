import { z } from 'zod';
import { parseConfig } from '../config/index.js';
import { ConfigError } from '../errors.js';

const hostPort = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, 'must be host:port');

/**
 * Settings of `sluice broker`, with Kafka's names where Kafka has one. The single source of validation and
 * defaults for the CLI and for {@link BrokerServer}.
 */
export const brokerConfigSchema = z.strictObject({
  listen: hostPort
    .default('127.0.0.1:9092')
    .describe('Address the broker listens on. Loopback by default; another address only when asked.'),
  advertisedListener: hostPort
    .optional()
    .describe(
      'host:port clients are told to connect to (Metadata, FindCoordinator). Defaults to the bound address.',
    ),
  tlsCert: z
    .string()
    .min(1)
    .optional()
    .describe(
      'PEM certificate (chain) file: the broker listens with TLS only (security.protocol SSL or SASL_SSL).',
    ),
  tlsKey: z.string().min(1).optional().describe('PEM private key file of tlsCert.'),
  tlsCa: z
    .string()
    .min(1)
    .optional()
    .describe('PEM CA file: clients must present a certificate signed by it (ssl.client.auth=required).'),
  saslUsers: z
    .string()
    .min(1)
    .optional()
    .describe(
      'JSON file of SASL users: clients must authenticate with PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 before any other request.',
    ),
  nodeId: z.number().int().min(0).default(0).describe('The broker id reported to clients (node.id).'),
  clusterId: z.string().min(1).default('sluice').describe('The cluster id reported in Metadata responses.'),
  'socket.request.max.bytes': z
    .number()
    .int()
    .positive()
    .default(100 * 1024 * 1024)
    .describe('Largest request frame accepted; a larger one closes its connection.'),
  'queued.max.request.bytes': z
    .number()
    .int()
    .positive()
    .default(256 * 1024 * 1024)
    .describe(
      "Bytes of requests held at once over all connections (reserved when a request's size arrives, freed once it is served); a connection waits, unread, while its next request does not fit. Kafka's default is unbounded.",
    ),
  'max.connections': z
    .number()
    .int()
    .positive()
    .default(1000)
    .describe('Most client connections open at once; a connection beyond it is closed at once.'),
  'max.connections.per.ip': z
    .number()
    .int()
    .positive()
    .default(200)
    .describe('Most connections open at once from one IP address; one beyond it is closed at once.'),
  'connections.max.idle.ms': z
    .number()
    .int()
    .positive()
    .default(600_000)
    .describe(
      "A connection with no request in progress and no bytes for this long is closed (Kafka's default).",
    ),
  'auto.create.topics.enable': z
    .boolean()
    .default(true)
    .describe('Create a topic when a client asks Metadata for it (and allows it) or produces to it.'),
  'num.partitions': z.number().int().positive().default(1).describe('Partitions of auto-created topics.'),
  'auto.create.topics.max.per.request': z
    .number()
    .int()
    .min(0)
    .default(100)
    .describe(
      'Most topics one Metadata or Produce request may auto-create; the rest answer UNKNOWN_TOPIC_OR_PARTITION.',
    ),
  'auto.create.topics.max.topics': z
    .number()
    .int()
    .min(0)
    .default(10_000)
    .describe('No topic is auto-created once the log holds this many (CreateTopics still creates them).'),
  'log.max.open.files': z
    .number()
    .int()
    .min(16)
    .default(1024)
    .describe(
      'Segment and index file descriptors kept open, least recently used closed first; files with unsynced bytes stay open.',
    ),
  'shutdown.timeout.ms': z
    .number()
    .int()
    .min(0)
    .default(5000)
    .describe('How long a graceful shutdown waits for requests in progress before closing connections.'),
});

export type BrokerConfig = z.output<typeof brokerConfigSchema>;
export type BrokerConfigInput = z.input<typeof brokerConfigSchema>;

export function parseBrokerConfig(input: unknown): BrokerConfig {
  const config = parseConfig(brokerConfigSchema, input, 'broker');
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    const [missing, flag] =
      config.tlsCert === undefined ? ['tlsCert', '--tls-cert'] : ['tlsKey', '--tls-key'];
    throw new ConfigError(`TLS needs both a certificate and its key: ${missing} (${flag}) is missing`, {
      key: missing,
    });
  }
  if (config.tlsCa !== undefined && config.tlsCert === undefined) {
    throw new ConfigError(
      'tlsCa (--tls-ca, client certificates) needs TLS: give tlsCert and tlsKey (--tls-cert, --tls-key) too',
      { key: 'tlsCa' },
    );
  }
  return config;
}

/** Splits `host:port` (IPv6 hosts in brackets). */
export function splitHostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`"${address}" is not host:port`, { key: 'listen' });
  }
  return { host, port };
}
