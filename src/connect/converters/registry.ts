import { parseConfig, suggest } from '../../config/index.js';
import { ConfigError } from '../../errors.js';
import { bytesConverter } from './bytes-converter.js';
import type { Converter, ConverterDefinition } from './converter.js';
import { jsonConverter } from './json-converter.js';
import { stringConverter } from './string-converter.js';

/** Every converter sluice ships, looked up by short name or by Kafka's class name. */
export const converters: readonly ConverterDefinition[] = [jsonConverter, stringConverter, bytesConverter];

export function findConverter(name: string): ConverterDefinition {
  const found = converters.find((c) => c.name === name || c.aliases.includes(name));
  if (found) return found;
  const names = converters.flatMap((c) => [c.name, ...c.aliases]);
  const near = suggest(name, names);
  throw new ConfigError(
    `unknown converter "${name}"; use one of ${converters.map((c) => c.name).join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`,
    { suggestion: near },
  );
}

/**
 * Builds the converter named by `config[prefix]` (`key.converter`, `value.converter`) with the keys under
 * `prefix.` as its config, e.g. `value.converter.schemas.enable`.
 */
export function createConverter(
  config: Record<string, unknown>,
  prefix: 'key.converter' | 'value.converter',
  fallback: string,
  where: string,
): Converter {
  const name = typeof config[prefix] === 'string' ? (config[prefix] as string) : fallback;
  let definition: ConverterDefinition;
  try {
    definition = findConverter(name);
  } catch (err) {
    throw new ConfigError(`${where}: ${prefix}: ${(err as Error).message}`, { key: prefix });
  }
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(`${prefix}.`)) own[key.slice(prefix.length + 1)] = value;
  }
  const parsed = parseConfig(definition.config, own, `${where}: ${prefix} (${definition.name})`);
  return definition.create(parsed, prefix === 'key.converter');
}
