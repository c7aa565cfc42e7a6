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
    testable(name) {
      const definition = find(name);
      return {
        input: definition?.kind === 'source' && definition.testInput !== undefined,
        output: definition?.kind === 'sink' && definition.testOutput !== undefined,
      };
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

/** `./my-connector.ts#mySource`, `../lib/sink.js`, `/abs/pkg-dir#x`: a connector named by its module, not by name. */
export function isModuleReference(connector: string): boolean {
  return /^(?:\.{1,2}\/|\/)/.test(connector);
}

/**
 * The connectors a pipeline names by module (`connector: ./my-connector.ts#mySource`, relative to the pipeline's
 * folder), loaded, each under its reference; with the error of each that could not be loaded, by its place.
 */
export async function moduleConnectors(
  value: unknown,
  baseDir: string,
): Promise<{ plugins: AnyConnectorDefinition[]; errors: { path: (string | number)[]; message: string }[] }> {
  const { loadConnectorModule } = await import('../connect/runtime/plugins.js');
  const plugins: AnyConnectorDefinition[] = [];
  const errors: { path: (string | number)[]; message: string }[] = [];
  const seen = new Set<string>();
  const spec = (value ?? {}) as Record<string, unknown>;
  for (const list of ['sources', 'sinks'] as const) {
    const entries = Array.isArray(spec[list]) ? (spec[list] as unknown[]) : [];
    for (const [i, entry] of entries.entries()) {
      const connector = (entry as { connector?: unknown } | null)?.connector;
      if (typeof connector !== 'string' || !isModuleReference(connector) || seen.has(connector)) continue;
      seen.add(connector);
      try {
        const loaded = await loadConnectorModule(connector, baseDir);
        // A module without #export may hold several: the reference names the first, as a pipeline entry has one.
        const [first] = loaded;
        plugins.push(
          first!.aliases?.includes(connector)
            ? first!
            : { ...first!, aliases: [...(first!.aliases ?? []), connector] },
        );
      } catch (err) {
        errors.push({ path: [list, i, 'connector'], message: (err as Error).message });
      }
    }
  }
  return { plugins, errors };
}
