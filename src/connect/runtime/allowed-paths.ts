import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../errors.js';
import type { ParsedConnectorConfig } from './connector-config.js';

/** `path` with symbolic links resolved as far as it exists, so that a link cannot lead out of an allowed root. */
function realish(p: string): string {
  const parts: string[] = [];
  let at = path.resolve(p);
  for (;;) {
    try {
      return path.join(fs.realpathSync(at), ...parts.reverse());
    } catch {
      const parent = path.dirname(at);
      if (parent === at) return path.join(at, ...parts.reverse());
      parts.push(path.basename(at));
      at = parent;
    }
  }
}

const inside = (p: string, root: string) => {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * Enforces the worker's `allowed.paths` (comma-separated directories) on a connector that declares the local
 * paths it uses: each must lie inside one of them, after resolving `..` and symbolic links. Empty allows any.
 */
export function checkAllowedPaths(parsed: ParsedConnectorConfig, allowed: string): void {
  const roots = allowed
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean)
    .map(realish);
  if (roots.length === 0 || !parsed.definition.localPaths) return;
  const name = typeof parsed.raw.name === 'string' ? parsed.raw.name : parsed.definition.name;
  for (const p of parsed.definition.localPaths(parsed.own)) {
    const real = realish(p);
    if (!roots.some((root) => inside(real, root))) {
      throw new ConfigError(
        `connector "${name}": ${p} is outside allowed.paths (${roots.join(', ')}); use a path inside them, or add its directory to the worker's allowed.paths`,
        { key: 'allowed.paths' },
      );
    }
  }
}
