import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../../errors.js';

/** Java `.properties`: `key=value` or `key: value` lines, `#`/`!` comments, `\` line continuations. */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trimStart();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.trimStart();
    const m = /^((?:\\.|[^=:\s])+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (!m) {
      out[line.replace(/\\(.)/g, '$1')] = '';
      continue;
    }
    out[m[1]!.replace(/\\(.)/g, '$1')] = m[2]!.trimEnd();
  }
  return out;
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
