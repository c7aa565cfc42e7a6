import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../errors.js';
import type { AnyConnectorDefinition } from '../connector.js';

const MODULE = /\.(?:[cm]?js|[cm]?ts)$/;

/** A connector definition as `defineSourceConnector`/`defineSinkConnector` make one. */
export function isConnectorDefinition(value: unknown): value is AnyConnectorDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.name === 'string' &&
    (v.kind === 'source' || v.kind === 'sink') &&
    typeof v.createTask === 'function' &&
    typeof v.taskConfigs === 'function' &&
    typeof v.config === 'object'
  );
}

/** Imports a module file: TypeScript through tsx, JavaScript as it is. */
async function importFile(file: string): Promise<Record<string, unknown>> {
  if (/\.[cm]?ts$/.test(file)) {
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
  }
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

/** The entry file of a package folder: `exports` (its `.` import or default), else `main`, else index.js. */
async function packageEntry(dir: string): Promise<string> {
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
    main?: string;
    exports?: string | Record<string, unknown>;
  };
  let entry: unknown = pkg.exports;
  if (entry && typeof entry === 'object' && '.' in entry) entry = (entry as Record<string, unknown>)['.'];
  if (entry && typeof entry === 'object') {
    const conditions = entry as Record<string, unknown>;
    entry = conditions.import ?? conditions.default ?? conditions.node;
    if (entry && typeof entry === 'object') entry = (entry as Record<string, unknown>).default;
  }
  return join(dir, typeof entry === 'string' ? entry : (pkg.main ?? 'index.js'));
}

/** Every connector definition a module exports (as named exports, or a default export of one or a list). */
function definitionsOf(mod: Record<string, unknown>): AnyConnectorDefinition[] {
  const found = new Set<AnyConnectorDefinition>();
  for (const value of Object.values(mod)) {
    for (const v of Array.isArray(value) ? value : [value]) if (isConnectorDefinition(v)) found.add(v);
  }
  return [...found];
}

/**
 * Loads a connector module named as `path` or `path#export` (relative to `baseDir`): a `.ts`/`.js` file, or a
 * package folder (its package.json entry). Without `#export`, every connector definition it exports; with it, that
 * one, under its own name and also under the reference itself, so a pipeline may say `connector: ./x.ts#mySource`.
 */
export async function loadConnectorModule(
  reference: string,
  baseDir: string,
): Promise<AnyConnectorDefinition[]> {
  const hash = reference.lastIndexOf('#');
  const path = resolve(baseDir, hash > 0 ? reference.slice(0, hash) : reference);
  const name = hash > 0 ? reference.slice(hash + 1) : undefined;
  let mod: Record<string, unknown>;
  try {
    const info = await stat(path);
    mod = await importFile(info.isDirectory() ? await packageEntry(path) : path);
  } catch (err) {
    throw new ConfigError(`cannot load connector module ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (name === undefined) {
    const all = definitionsOf(mod);
    if (all.length === 0) {
      throw new ConfigError(
        `${path} exports no connector definition (an object made by defineSourceConnector or defineSinkConnector)`,
      );
    }
    return all;
  }
  const definition = mod[name];
  if (!isConnectorDefinition(definition)) {
    const exported = definitionsOf(mod).map((d) => Object.keys(mod).find((k) => mod[k] === d));
    throw new ConfigError(
      `${path} has no exported connector definition "${name}"${exported.length ? ` (it exports ${exported.join(', ')})` : ''}`,
    );
  }
  return [{ ...definition, aliases: [...(definition.aliases ?? []), reference] }];
}

/**
 * Loads Kafka's `plugin.path`: a comma-separated list of connector modules or packages, or of folders holding
 * them (each package folder or module file directly inside is loaded). Names must not clash with `known` ones.
 */
export async function loadPluginPath(
  pluginPath: string,
  baseDir: string,
  known: readonly AnyConnectorDefinition[] = [],
): Promise<AnyConnectorDefinition[]> {
  const loaded: AnyConnectorDefinition[] = [];
  for (const entry of pluginPath
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const path = resolve(baseDir, entry);
    const info = await stat(path).catch(() => null);
    if (!info) throw new ConfigError(`plugin.path: ${path} does not exist`, { key: 'plugin.path' });
    if (!info.isDirectory() || (await stat(join(path, 'package.json')).catch(() => null))) {
      loaded.push(...(await loadConnectorModule(path, baseDir)));
      continue;
    }
    for (const child of (await readdir(path, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = join(path, child.name);
      if (child.isFile() && MODULE.test(child.name) && !child.name.endsWith('.d.ts') && extname(child.name))
        loaded.push(...(await loadConnectorModule(full, baseDir)));
      else if (child.isDirectory() && (await stat(join(full, 'package.json')).catch(() => null)))
        loaded.push(...(await loadConnectorModule(full, baseDir)));
    }
  }
  const names = new Map<string, string>();
  for (const d of known) for (const n of [d.name, ...(d.aliases ?? [])]) names.set(n, 'a built-in connector');
  for (const d of loaded) {
    for (const n of [d.name, ...(d.aliases ?? [])]) {
      if (names.has(n))
        throw new ConfigError(`plugin.path: connector name "${n}" is already ${names.get(n)}`);
      names.set(n, 'a plugin');
    }
  }
  return loaded;
}
