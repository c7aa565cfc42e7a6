import { z } from 'zod';
import { kafkaSecurityShape } from '../../client/options.js';
import { parseConfig, suggest } from '../../config/index.js';
import { ConfigError } from '../../errors.js';
import { field } from '../config-fields.js';

/** The worker's own keys, Kafka Connect's names where Kafka has them. */
const workerShape = {
  'log.dir': field.optionalString('Directory of the embedded log (the default backend)'),
  'bootstrap.servers': field.optionalString('host:port list of a Kafka-protocol cluster, instead of log.dir'),
  // TLS and SASL to bootstrap.servers, with the Kafka client's keys.
  ...kafkaSecurityShape,
  'offset.storage.topic': field.stringDefault('connect-offsets', 'Compacted topic holding source offsets'),
  'offset.storage.partitions': field.int(
    1,
    "Partitions of the offset topic when the worker creates it (Kafka's distributed workers use 25; one standalone worker needs one)",
    1,
  ),
  'offset.flush.interval.ms': field.int(
    10_000,
    'How often source offsets are committed and sink tasks flushed and their offsets committed',
    1,
  ),
  'rest.host.name': field.stringDefault('127.0.0.1', 'Address the REST API listens on'),
  'rest.port': field.int(8083, 'Port of the REST API; 0 picks a free one', 0),
  'rest.enable': field.bool(true, 'Serve the REST API and /metrics'),
  'rest.advertised.host.name': field.optionalString(
    'Another host name clients use to reach the REST API; requests whose Host header names anything but the listener (or this) are refused',
  ),
  'access.control.allow.origin': field.stringDefault(
    '',
    'Comma-separated origins (or *) whose browser pages may call the REST API; by default only pages served by the API itself',
  ),
  'rest.basic.auth.users.file': field.optionalString(
    'File of "user: password" lines (as Kafka\'s PropertyFileLoginModule reads); when set, every REST request needs HTTP basic authentication',
  ),
  'allowed.paths': field.stringDefault(
    '',
    'Comma-separated directories that file-based connectors (file, csv) may read and write; empty allows any path',
  ),
  'key.converter': field.stringDefault('json', 'Default converter for keys'),
  'value.converter': field.stringDefault('json', 'Default converter for values'),
  'task.restart.max.attempts': field.int(3, 'Automatic restarts of a failed task before it stays FAILED', 0),
  'task.restart.backoff.ms': field.int(1000, 'Wait before the first automatic restart; doubles each time', 0),
  'task.shutdown.graceful.timeout.ms': field.int(
    5000,
    'How long a stopping task may take to flush and commit',
    0,
  ),
  'producer.linger.ms': field.int(0, 'linger.ms of the producer of source tasks', 0),
  'plugin.path': field.optionalString(
    "Comma-separated connector packages or modules to load, or folders holding them (as Kafka's plugin.path); each module exports connector definitions",
  ),
};

/**
 * Keys of Kafka Connect's worker files that sluice does not use, and why; such a key is reported as a warning, so
 * that Kafka's own `connect-standalone.properties` runs as shipped.
 */
const KAFKA_ONLY_KEYS: Record<string, string> = {
  'offset.storage.file.filename':
    'source offsets are kept in the log, in the compacted topic offset.storage.topic (connect-offsets), not in a file',
  'group.id': 'a standalone worker is the only member of its cluster',
  'config.storage.topic': 'connector configs come from the files on the command line',
  'status.storage.topic': 'task states are kept in memory and served by the REST API',
  'offset.storage.replication.factor': 'the embedded log keeps one copy',
  'config.storage.replication.factor': 'the embedded log keeps one copy',
  'status.storage.replication.factor': 'the embedded log keeps one copy',
  'offset.flush.timeout.ms': 'offset commits are not cut short',
  'rest.advertised.port': 'the REST API is reached where it listens',
  'rest.advertised.listener': 'the REST API is reached where it listens',
  'header.converter': 'headers are kept as bytes',
  'connector.client.config.override.policy': 'connectors cannot override client configs',
  'topic.creation.enable': 'topics are created when first written',
};

/** Prefixes of Kafka client and security settings, which the worker's clients do not take from this file. */
const KAFKA_ONLY_PREFIXES = [
  'producer.',
  'consumer.',
  'admin.',
  'ssl.',
  'sasl.',
  'security.',
  'metrics.',
  'metric.',
];

const CONVERTER_PREFIXES = ['key.converter.', 'value.converter.'];

export type WorkerConfig = z.output<z.ZodObject<typeof workerShape>> & {
  /** `key.converter.*` / `value.converter.*` defaults for every connector. */
  converterDefaults: Record<string, unknown>;
  /** Keys of Kafka's worker files that were accepted but are not used, each with why; for the caller to show. */
  warnings: string[];
};

/**
 * Kafka's `listeners` (`HTTP://:8083`, `http://localhost:8083`) as the REST API's host and port. An empty host
 * keeps rest.host.name (loopback unless set otherwise); https is not served.
 */
function listener(value: unknown, where: string): { host?: string; port: number } {
  const first = String(value).split(',')[0]!.trim();
  const m = /^([a-z]+):\/\/(\[[^\]]*\]|[^:/]*):(\d+)\/?$/i.exec(first);
  if (!m) {
    throw new ConfigError(
      `${where}: listeners "${value}": expected http://host:port, e.g. http://127.0.0.1:8083`,
      {
        key: 'listeners',
      },
    );
  }
  if (m[1]!.toLowerCase() !== 'http') {
    throw new ConfigError(`${where}: listeners "${value}": only http is served, not ${m[1]}`, {
      key: 'listeners',
    });
  }
  return { ...(m[2] ? { host: m[2].replace(/^\[|\]$/g, '') } : {}), port: Number(m[3]) };
}

export function parseWorkerConfig(raw: Record<string, unknown>, where = 'worker config'): WorkerConfig {
  const flat: Record<string, unknown> = {};
  const converterDefaults: Record<string, unknown> = {};
  const warnings: string[] = [];
  for (const [k, v] of Object.entries(raw)) {
    if (CONVERTER_PREFIXES.some((p) => k.startsWith(p))) converterDefaults[k] = v;
    else if (k === 'listeners') {
      const { host, port } = listener(v, where);
      if (raw['rest.port'] === undefined) flat['rest.port'] = port;
      if (host !== undefined && raw['rest.host.name'] === undefined) flat['rest.host.name'] = host;
    } else if (k in KAFKA_ONLY_KEYS) warnings.push(`${k} is not used: ${KAFKA_ONLY_KEYS[k]}`);
    else if (KAFKA_ONLY_PREFIXES.some((p) => k.startsWith(p)) && !(k in workerShape))
      warnings.push(
        `${k} is not used: the worker's clients take their settings from the log or bootstrap.servers`,
      );
    else if (!(k in workerShape) && suggest(k, Object.keys(workerShape)) === undefined)
      warnings.push(`${k} is not a key sluice knows; ignored`);
    else flat[k] = v;
  }
  // A key close to a known one is still an error: it is most likely a typo, and parseConfig names the nearest key.
  const parsed = parseConfig(z.strictObject(workerShape), flat, where);
  if (parsed['log.dir'] && parsed['bootstrap.servers']) {
    throw new ConfigError(`${where}: set log.dir or bootstrap.servers, not both`, {
      key: 'bootstrap.servers',
    });
  }
  converterDefaults['key.converter'] = parsed['key.converter'];
  converterDefaults['value.converter'] = parsed['value.converter'];
  return { ...parsed, converterDefaults, warnings };
}
