import { type TopicConfig, topicConfigSchema } from '../../log/index.js';
import type { BrokerContext } from '../broker-context.js';
import { ERROR_CODES, errorCodeOf } from '../protocol/error-codes.js';
import { AlterConfigs, DescribeConfigs } from '../protocol/messages/index.js';
import { handler } from './handler.js';
import { formatConfigValue, parseTopicConfigs } from './topic-config-values.js';

/** Kafka's ConfigResource types. */
enum ResourceType {
  Topic = 2,
  Broker = 4,
}

/** Kafka's ConfigSource values (DescribeConfigs v1+). */
enum ConfigSource {
  DynamicTopic = 1, // a topic override
  StaticBroker = 4, // from the broker's configuration
  Default = 5, // Kafka's default: nobody set it
}

/** Kafka's default of every topic setting, to tell an override from a default. */
const TOPIC_DEFAULTS: Record<string, unknown> = topicConfigSchema.parse({});

function entries(ctx: BrokerContext, type: number, name: string): [string, string, ConfigSource][] {
  if (type === ResourceType.Topic) {
    const { config } = ctx.log.describeTopic(name);
    return Object.entries(config).map(([k, v]) => [
      k,
      formatConfigValue(v),
      TOPIC_DEFAULTS[k] === v ? ConfigSource.Default : ConfigSource.DynamicTopic,
    ]);
  }
  const c = ctx.config;
  return [
    ['broker.id', String(c.nodeId), ConfigSource.StaticBroker],
    ['auto.create.topics.enable', String(c['auto.create.topics.enable']), ConfigSource.StaticBroker],
    ['num.partitions', String(c['num.partitions']), ConfigSource.StaticBroker],
    ['socket.request.max.bytes', String(c['socket.request.max.bytes']), ConfigSource.StaticBroker],
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
        .map(([key, value, source]) => ({
          name: key,
          value,
          readOnly: source === ConfigSource.StaticBroker,
          isDefault: source === ConfigSource.Default,
          configSource: source,
          isSensitive: false,
          synonyms: [],
        }));
      return { ...base, errorCode: 0, errorMessage: null, configs };
    } catch (err) {
      return { ...base, errorCode: errorCodeOf(err), errorMessage: (err as Error).message, configs: [] };
    }
  }),
}));

/** Replaces a topic's overrides with the given set, as Kafka's (non-incremental) AlterConfigs does. */
export const alterConfigs = handler(AlterConfigs, async (ctx, req) => {
  const responses = [];
  for (const r of req.resources) {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    if (r.resourceType !== ResourceType.Topic) {
      const errorMessage = 'broker settings are static; restart `sluice broker` with new options';
      responses.push({ ...base, errorCode: ERROR_CODES.INVALID_REQUEST, errorMessage });
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
