import { z } from 'zod';
import { parseConfig, suggest } from '../../config/index.js';
import { ConfigError } from '../../errors.js';
import { field } from '../config-fields.js';
import type { AnyConnectorDefinition } from '../connector.js';
import { type Converter, createConverter } from '../converters/index.js';
import { errorConfigShape } from '../tolerance/index.js';
import { TransformChain } from '../transforms/index.js';

/** Keys every connector accepts, whatever its class: Kafka Connect's names. */
const commonShape = {
  name: field.string('Unique name of the connector in this worker'),
  'connector.class': field.string('The connector plugin: its name (FileStreamSource) or Kafka class name'),
  'tasks.max': field.int(1, 'Most tasks to run for this connector', 1),
  'key.converter': field.optionalString(
    "Converter for keys: json, string, bytes (or Kafka class names); default the worker's",
  ),
  'value.converter': field.optionalString("Converter for values; default the worker's"),
  transforms: field.list([], 'Aliases of the single message transforms to apply, in order'),
  predicates: field.list([], 'Aliases of the predicates transforms may refer to'),
  ...errorConfigShape,
};

const sinkShape = {
  topics: field.list([], 'Topics a sink reads (or use topics.regex)'),
  'topics.regex': field.optionalString('A regular expression: a sink reads every topic that matches it'),
};

/** Prefixes whose keys belong to a converter, a transform or a predicate, validated by their owner. */
const NESTED = ['key.converter.', 'value.converter.', 'transforms.', 'predicates.'];

export type CommonConnectorConfig = z.output<z.ZodObject<typeof commonShape>> & {
  topics?: string[];
  'topics.regex'?: string;
};

/** A connector config validated in full: its plugin, the runtime's keys, its own keys, converters and transforms. */
export interface ParsedConnectorConfig {
  definition: AnyConnectorDefinition;
  common: CommonConnectorConfig;
  /** The connector's own keys, parsed by its schema (defaults filled in). */
  own: Record<string, unknown>;
  /** The config as given (strings and all), what `GET /connectors/{c}/config` returns. */
  raw: Record<string, unknown>;
  keyConverter: Converter;
  valueConverter: Converter;
  transforms: TransformChain;
}

/** Every key a connector of this plugin accepts outside the nested prefixes: the runtime's and its own. */
export function connectorConfigSchema(definition: AnyConnectorDefinition): z.ZodObject {
  return z.strictObject({
    ...commonShape,
    ...(definition.kind === 'sink' ? sinkShape : {}),
    ...definition.config.shape,
  });
}

/** The keys of `raw` outside the converter, transform and predicate prefixes. */
export function flatKeys(raw: Record<string, unknown>): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (!NESTED.some((p) => k.startsWith(p))) flat[k] = v;
  return flat;
}

export function findPlugin(plugins: readonly AnyConnectorDefinition[], name: string): AnyConnectorDefinition {
  const found = plugins.find((p) => p.name === name || p.aliases?.includes(name));
  if (found) return found;
  const near = suggest(
    name,
    plugins.flatMap((p) => [p.name, ...(p.aliases ?? [])]),
  );
  throw new ConfigError(
    `connector.class: no connector plugin named "${name}"${near ? `; did you mean "${near}"?` : ''} (installed: ${plugins.map((p) => p.name).join(', ')})`,
    { key: 'connector.class', suggestion: near },
  );
}

/**
 * Validates a connector config without I/O: the runtime's keys and the connector's own keys together (an unknown
 * key is reported with the nearest valid one of either), then converters, transforms and the connector's own
 * cross-field checks. `defaults` are the worker's converter settings.
 */
export function parseConnectorConfig(
  raw: Record<string, unknown>,
  plugins: readonly AnyConnectorDefinition[],
  defaults: Record<string, unknown> = {},
): ParsedConnectorConfig {
  const name = typeof raw.name === 'string' ? raw.name : undefined;
  const where = name ? `connector "${name}"` : 'connector config';
  if (typeof raw['connector.class'] !== 'string') {
    throw new ConfigError(`${where}: connector.class is required`, { key: 'connector.class' });
  }
  let definition: AnyConnectorDefinition;
  try {
    definition = findPlugin(plugins, raw['connector.class']);
  } catch (err) {
    throw new ConfigError(`${where}: ${(err as Error).message}`, {
      key: 'connector.class',
      suggestion: (err as ConfigError).suggestion,
    });
  }
  const all = parseConfig(connectorConfigSchema(definition), flatKeys(raw), where) as Record<string, unknown>;
  const common = {} as Record<string, unknown>;
  const own = {} as Record<string, unknown>;
  for (const [k, v] of Object.entries(all)) {
    if (k in definition.config.shape) own[k] = v;
    if (k in commonShape || k in sinkShape) common[k] = v;
  }
  const c = common as CommonConnectorConfig;
  if (definition.kind === 'sink' && (c.topics?.length ?? 0) === 0 && !c['topics.regex']) {
    throw new ConfigError(`${where}: a sink needs topics or topics.regex`, { key: 'topics' });
  }
  if (definition.kind === 'sink' && (c.topics?.length ?? 0) > 0 && c['topics.regex']) {
    throw new ConfigError(`${where}: set topics or topics.regex, not both`, { key: 'topics.regex' });
  }
  if (c['errors.deadletterqueue.topic.name'] && c['errors.tolerance'] !== 'all') {
    throw new ConfigError(
      `${where}: errors.deadletterqueue.topic.name needs errors.tolerance=all (with none, the first bad record fails the task)`,
      { key: 'errors.tolerance' },
    );
  }
  definition.validate?.(own);
  return {
    definition,
    common: c,
    own,
    raw,
    keyConverter: createConverter(
      converterKeys(raw, defaults, 'key.converter'),
      'key.converter',
      'json',
      where,
    ),
    valueConverter: createConverter(
      converterKeys(raw, defaults, 'value.converter'),
      'value.converter',
      'json',
      where,
    ),
    transforms: TransformChain.fromConfig(raw, where),
  };
}

/** The converter keys that apply: the connector's own when it names a converter, else the worker's. */
function converterKeys(
  raw: Record<string, unknown>,
  defaults: Record<string, unknown>,
  prefix: 'key.converter' | 'value.converter',
): Record<string, unknown> {
  const source = raw[prefix] !== undefined ? raw : defaults;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(source)) if (k === prefix || k.startsWith(`${prefix}.`)) out[k] = v;
  return out;
}
