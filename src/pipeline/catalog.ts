import { builtinConnectors } from '../../connectors/index.js';
import { configIssues } from '../config/index.js';
import type { AnyConnectorDefinition } from '../connect/index.js';
import { connectorConfigSchema, flatKeys } from '../connect/runtime/index.js';
import type { ConnectorCatalog } from './validate.js';

/** The connector config a pipeline entry stands for: its `config:` plus the keys the entry itself sets. */
export function connectorConfig(
  definition: AnyConnectorDefinition,
  entry: { name: string; connector: string; 'tasks.max': number; config: Record<string, unknown> },
  topics: { topic?: string; topics?: string[] },
): Record<string, unknown> {
  const config: Record<string, unknown> = {
    ...entry.config,
    name: entry.name,
    'connector.class': entry.connector,
    'tasks.max': entry['tasks.max'],
  };
  if (topics.topic !== undefined && 'topic' in definition.config.shape) config.topic = topics.topic;
  if (topics.topics !== undefined) config.topics = topics.topics.join(',');
  return config;
}

/** A catalog over connector definitions (the built-in ones by default), for `sluice validate` and `sluice run`. */
export function connectorCatalog(
  plugins: readonly AnyConnectorDefinition[] = builtinConnectors,
): ConnectorCatalog & {
  find(name: string): AnyConnectorDefinition | undefined;
} {
  const find = (name: string) => plugins.find((p) => p.name === name || p.aliases?.includes(name));
  return {
    find,
    names: () => plugins.flatMap((p) => [p.name, ...(p.aliases ?? [])]),
    kind: (name) => find(name)?.kind,
    validate(name, config, topics = {}) {
      const definition = find(name);
      if (!definition) return [];
      const full = connectorConfig(
        definition,
        { name: 'x', connector: name, 'tasks.max': 1, config },
        topics,
      );
      if (definition.kind === 'sink' && full.topics === undefined) full.topics = 'x';
      const issues = configIssues(connectorConfigSchema(definition), flatKeys(full));
      if (issues.length > 0) return issues;
      try {
        const own = Object.fromEntries(
          Object.entries(flatKeys(full)).filter(([k]) => k in definition.config.shape),
        );
        definition.validate?.(definition.config.parse(own));
      } catch (err) {
        const e = err as { key?: string; message: string };
        return [{ path: e.key ?? '', message: e.message }];
      }
      return [];
    },
    topicsWritten(name, config, topic) {
      if (topic) return [topic];
      const definition = find(name);
      if (definition?.kind === 'source' && definition.topicsWritten) {
        const own = Object.fromEntries(
          Object.entries(flatKeys(config)).filter(([k]) => k in definition.config.shape),
        );
        const parsed = definition.config.safeParse(own);
        const topics = parsed.success ? definition.topicsWritten(parsed.data) : undefined;
        if (topics) return topics;
      }
      return typeof config.topic === 'string' ? [config.topic] : undefined;
    },
  };
}
