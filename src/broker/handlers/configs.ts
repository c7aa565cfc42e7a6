import { type TopicConfig, topicConfigSchema } from '../../log/index.js';
import type { BrokerContext } from '../broker-context.js';
import { ERROR_CODES, errorCodeOf } from '../protocol/error-codes.js';
import { AlterConfigs, DescribeConfigs, IncrementalAlterConfigs } from '../protocol/messages/index.js';
import { handler } from './handler.js';
import { formatConfigValue, parseTopicConfigs } from './topic-config-values.js';

/** Kafka's ConfigResource types. */
enum ResourceType {
  Topic = 2,
  Broker = 4,
}

/** Kafka's ConfigSource values (DescribeConfigs v1+). */
export enum ConfigSource {
  DynamicTopic = 1, // a topic override
  StaticBroker = 4, // from the broker's configuration
  Default = 5, // Kafka's default: nobody set it
}

/** Kafka's ConfigType values (DescribeConfigs v3+). */
enum ConfigType {
  Boolean = 1,
  String = 2,
  Long = 5,
  Double = 6,
  List = 7,
}

/** IncrementalAlterConfigs operations. */
enum ConfigOperation {
  Set = 0,
  Delete = 1,
  Append = 2,
  Subtract = 3,
}

/** Topic settings whose value is a comma-separated list, which APPEND and SUBTRACT work on. */
const LIST_KEYS = new Set<string>(['cleanup.policy']);

/** Kafka's default of every topic setting, to tell an override from a default. */
const TOPIC_DEFAULTS: Record<string, unknown> = topicConfigSchema.parse({});

function configType(key: string, value: unknown): ConfigType {
  if (LIST_KEYS.has(key)) return ConfigType.List;
  if (typeof value === 'boolean') return ConfigType.Boolean;
  if (typeof value === 'number') return Number.isInteger(value) ? ConfigType.Long : ConfigType.Double;
  return ConfigType.String;
}

function documentation(key: string): string | null {
  return (topicConfigSchema.shape as Record<string, { description?: string }>)[key]?.description ?? null;
}

/** A topic's settings as Kafka lists them: every key, its value as a string, and where the value comes from. */
export function topicConfigEntries(config: TopicConfig): [string, string, ConfigSource, ConfigType][] {
  return Object.entries(config).map(([k, v]) => [
    k,
    formatConfigValue(v),
    TOPIC_DEFAULTS[k] === v ? ConfigSource.Default : ConfigSource.DynamicTopic,
    configType(k, v),
  ]);
}

function entries(
  ctx: BrokerContext,
  type: number,
  name: string,
): [string, string, ConfigSource, ConfigType][] {
  if (type === ResourceType.Topic) return topicConfigEntries(ctx.log.describeTopic(name).config);
  const c = ctx.config;
  return [
    ['broker.id', String(c.nodeId), ConfigSource.StaticBroker, ConfigType.Long],
    [
      'auto.create.topics.enable',
      String(c['auto.create.topics.enable']),
      ConfigSource.StaticBroker,
      ConfigType.Boolean,
    ],
    ['num.partitions', String(c['num.partitions']), ConfigSource.StaticBroker, ConfigType.Long],
    [
      'socket.request.max.bytes',
      String(c['socket.request.max.bytes']),
      ConfigSource.StaticBroker,
      ConfigType.Long,
    ],
  ];
}

function badResource(
  type: number,
  name: string,
  nodeId: number,
): { errorCode: number; errorMessage: string } | null {
  if (type === ResourceType.Topic) return null;
  if (type === ResourceType.Broker && (name === '' || name === String(nodeId))) return null;
  return {
    errorCode: ERROR_CODES.INVALID_REQUEST,
    errorMessage: `resource type ${type} "${name}" is not served; ask for a topic (2) or broker ${nodeId} (4)`,
  };
}

/** Topic configs as the log resolves them, and the broker's own settings (read-only). */
export const describeConfigs = handler(DescribeConfigs, async (ctx, req) => ({
  results: req.resources.map((r) => {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    const bad = badResource(r.resourceType, r.resourceName, ctx.config.nodeId);
    if (bad) return { ...base, ...bad, configs: [] };
    try {
      const wanted = r.configurationKeys === null ? null : new Set(r.configurationKeys);
      const configs = entries(ctx, r.resourceType, r.resourceName)
        .filter(([key]) => wanted === null || wanted.has(key))
        .map(([key, value, source, type]) => ({
          name: key,
          value,
          readOnly: source === ConfigSource.StaticBroker,
          isDefault: source === ConfigSource.Default,
          configSource: source,
          isSensitive: false,
          synonyms: [],
          configType: type,
          documentation: req.includeDocumentation ? documentation(key) : null,
        }));
      return { ...base, errorCode: 0, errorMessage: null, configs };
    } catch (err) {
      return { ...base, errorCode: errorCodeOf(err), errorMessage: (err as Error).message, configs: [] };
    }
  }),
}));

const STATIC_BROKER = 'broker settings are static; restart `sluice broker` with new options';

/** Replaces a topic's overrides with the given set, as Kafka's (non-incremental) AlterConfigs does. */
export const alterConfigs = handler(AlterConfigs, async (ctx, req) => {
  const responses = [];
  for (const r of req.resources) {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    if (r.resourceType !== ResourceType.Topic) {
      responses.push({ ...base, errorCode: ERROR_CODES.INVALID_REQUEST, errorMessage: STATIC_BROKER });
      continue;
    }
    try {
      const set = parseTopicConfigs(r.configs);
      const current = ctx.log.describeTopic(r.resourceName).config;
      const unset = (Object.keys(current) as (keyof TopicConfig)[]).filter((k) => !(k in set));
      if (!req.validateOnly) await ctx.log.alterTopicConfig(r.resourceName, set, unset);
      responses.push({ ...base, errorCode: 0, errorMessage: null });
    } catch (err) {
      responses.push({ ...base, errorCode: errorCodeOf(err), errorMessage: (err as Error).message });
    }
  }
  return { responses };
});

class InvalidConfigOperation extends Error {}

/** The new value of a list setting after APPEND or SUBTRACT of a comma-separated `value`. */
function listValue(current: unknown, operation: ConfigOperation, value: string): string {
  const items = String(current ?? '')
    .split(',')
    .filter((s) => s !== '');
  const given = value.split(',').filter((s) => s !== '');
  const result =
    operation === ConfigOperation.Append
      ? [...items, ...given.filter((g) => !items.includes(g))]
      : items.filter((i) => !given.includes(i));
  // In sorted order: the log spells cleanup.policy's two values `compact,delete`, as Kafka documents it.
  return result.sort().join(',');
}

/**
 * Changes only the topic settings named (KIP-339): SET, DELETE (back to the default), and APPEND or SUBTRACT on
 * list settings. Broker settings are static and refused.
 */
export const incrementalAlterConfigs = handler(IncrementalAlterConfigs, async (ctx, req) => {
  const responses = [];
  for (const r of req.resources) {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    if (r.resourceType !== ResourceType.Topic) {
      const bad = badResource(r.resourceType, r.resourceName, ctx.config.nodeId);
      const errorMessage = bad?.errorMessage ?? STATIC_BROKER;
      responses.push({ ...base, errorCode: ERROR_CODES.INVALID_REQUEST, errorMessage });
      continue;
    }
    try {
      const current = ctx.log.describeTopic(r.resourceName).config as unknown as Record<string, unknown>;
      const set: { name: string; value: string | null }[] = [];
      const unset: (keyof TopicConfig)[] = [];
      for (const c of r.configs) {
        if (c.configOperation === ConfigOperation.Delete) {
          unset.push(c.name as keyof TopicConfig);
        } else if (c.configOperation === ConfigOperation.Set) {
          set.push({ name: c.name, value: c.value });
        } else if (
          c.configOperation === ConfigOperation.Append ||
          c.configOperation === ConfigOperation.Subtract
        ) {
          if (!LIST_KEYS.has(c.name)) {
            throw new InvalidConfigOperation(
              `${c.name} is not a list setting; only SET and DELETE apply to it`,
            );
          }
          set.push({ name: c.name, value: listValue(current[c.name], c.configOperation, c.value ?? '') });
        } else {
          throw new InvalidConfigOperation(`config operation ${c.configOperation} for ${c.name} is not 0–3`);
        }
      }
      if (!req.validateOnly) await ctx.log.alterTopicConfig(r.resourceName, parseTopicConfigs(set), unset);
      responses.push({ ...base, errorCode: 0, errorMessage: null });
    } catch (err) {
      const errorCode = err instanceof InvalidConfigOperation ? ERROR_CODES.INVALID_CONFIG : errorCodeOf(err);
      responses.push({ ...base, errorCode, errorMessage: (err as Error).message });
    }
  }
  return { responses };
});
