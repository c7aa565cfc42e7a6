import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { getProperties } from 'properties-file';
import { ConfigError } from '../../errors.js';

/**
 * A `.properties` file as `java.util.Properties.load` reads it (comments, `=`/`:`/whitespace separators, escapes
 * including `\uXXXX`, odd trailing backslashes continuing a line, the last of duplicate keys winning), through
 * properties-file, which implements that specification.
 */
export function parseProperties(text: string): Record<string, string> {
  return { ...getProperties(text) };
}

/**
 * Reads a worker or connector config: `.properties` (as Kafka's `connect-standalone` takes), YAML or JSON. A
 * connector file may also have the REST shape `{name, config: {...}}`.
 */
export async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`, { cause: err });
  }
  let data: unknown;
  try {
    // yaml loads only for a YAML or JSON file: a worker configured by .properties files does without it.
    data = path.extname(file) === '.properties' ? parseProperties(text) : (await import('yaml')).parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: ${(err as Error).message}`, { cause: err });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(`${file}: expected a map of config keys`);
  }
  const obj = data as Record<string, unknown>;
  if (typeof obj.name === 'string' && typeof obj.config === 'object' && obj.config !== null) {
    return { ...(obj.config as Record<string, unknown>), name: obj.name };
  }
  return obj;
}
