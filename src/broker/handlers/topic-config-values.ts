import type { TopicConfig } from '../../log/index.js';

/**
 * Wire configs are strings; the log's topic config is typed. Numeric strings become numbers and the rest stay
 * strings, and the log's schema validates the result (INVALID_CONFIG with the key named when it does not fit).
 */
export function parseTopicConfigs(configs: { name: string; value: string | null }[]): Partial<TopicConfig> {
  const out: Record<string, string | number> = {};
  for (const { name, value } of configs) {
    if (value === null) continue;
    out[name] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return out as Partial<TopicConfig>;
}

/** Topic config values as Kafka shows them: strings. */
export function formatConfigValue(value: unknown): string {
  return String(value);
}
