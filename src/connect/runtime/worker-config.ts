import { z } from 'zod';
import { parseConfig } from '../../config/index.js';
import { ConfigError } from '../../errors.js';
import { field } from '../config-fields.js';

/** The worker's own keys, Kafka Connect's names where Kafka has them. */
const workerShape = {
  'log.dir': field.optionalString('Directory of the embedded log (the default backend)'),
  'bootstrap.servers': field.optionalString('host:port list of a Kafka-protocol cluster, instead of log.dir'),
  'offset.storage.topic': field.stringDefault('connect-offsets', 'Compacted topic holding source offsets'),
  'offset.storage.partitions': field.int(25, 'Partitions of the offset topic when the worker creates it', 1),
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
};

const CONVERTER_PREFIXES = ['key.converter.', 'value.converter.'];

export type WorkerConfig = z.output<z.ZodObject<typeof workerShape>> & {
  /** `key.converter.*` / `value.converter.*` defaults for every connector. */
  converterDefaults: Record<string, unknown>;
};

export function parseWorkerConfig(raw: Record<string, unknown>, where = 'worker config'): WorkerConfig {
  const flat: Record<string, unknown> = {};
  const converterDefaults: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (CONVERTER_PREFIXES.some((p) => k.startsWith(p))) converterDefaults[k] = v;
    else flat[k] = v;
  }
  const parsed = parseConfig(z.strictObject(workerShape), flat, where);
  if (parsed['log.dir'] && parsed['bootstrap.servers']) {
    throw new ConfigError(`${where}: set log.dir or bootstrap.servers, not both`, {
      key: 'bootstrap.servers',
    });
  }
  converterDefaults['key.converter'] = parsed['key.converter'];
  converterDefaults['value.converter'] = parsed['value.converter'];
  return { ...parsed, converterDefaults };
}
