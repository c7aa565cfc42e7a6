import { dirname, resolve } from 'node:path';
import type { AnyConnectorDefinition } from '../connect/index.js';
import { SluiceError } from '../errors.js';
import { formatDiagnostic } from '../pipeline/diagnostic.js';
import type { SourceFile } from '../pipeline/source-file.js';
import type { ValidationResult } from '../pipeline/validate.js';

// The pipeline modules load when a pipeline command runs, not when `sluice` starts: they bring every connector,
// the streams runtime, jsonata and yaml, which other commands (and `sluice --help`) do not need.

/** A validated pipeline, with the connectors it names by module (`connector: ./x.ts#mySource`), loaded. */
export type Loaded = ValidationResult & { plugins: AnyConnectorDefinition[] };

/**
 * Reads and validates a pipeline file. `text`, when given, is validated in its place (another version of the
 * file, e.g. from git): `file` then only names it in messages and is where relative module paths start.
 */
export async function load(file: string, text?: string, label = file): Promise<Loaded> {
  const [
    { SourceFile },
    { connectorCatalog, moduleConnectors },
    { validatePipeline },
    { builtinConnectors },
  ] = await Promise.all([
    import('../pipeline/source-file.js'),
    import('../pipeline/catalog.js'),
    import('../pipeline/validate.js'),
    import('../../connectors/index.js'),
  ]);
  let source: SourceFile;
  if (text !== undefined) source = SourceFile.parse(label, text);
  else {
    try {
      source = await SourceFile.read(file);
    } catch (err) {
      throw new SluiceError('FILE_NOT_READABLE', `cannot read pipeline ${file}: ${(err as Error).message}`);
    }
  }
  const modules = await moduleConnectors(source.value, dirname(resolve(file)));
  const plugins = [...builtinConnectors, ...modules.plugins];
  const result = validatePipeline(source, connectorCatalog(plugins));
  const unloaded = modules.errors.map((e) => source.at(e.path, e.message));
  // A module that did not load is reported once, at its entry, not again as an unknown connector.
  const diagnostics = [
    ...unloaded,
    ...result.diagnostics.filter(
      (d) => !(unloaded.some((u) => u.path === d.path) && d.message.startsWith('unknown ')),
    ),
  ];
  return { spec: diagnostics.length === 0 ? result.spec : undefined, diagnostics, plugins };
}

/** Thrown once the diagnostics of an invalid pipeline are printed: the command has nothing more to say. */
export class PipelineInvalid extends Error {}

/** Prints every diagnostic and exits 1 when there is any; returns the spec otherwise. */
export async function loadOrExit(
  file: string,
  json: boolean,
  text?: string,
  label = file,
): Promise<{ spec: NonNullable<ValidationResult['spec']>; plugins: AnyConnectorDefinition[] }> {
  const { spec, diagnostics, plugins } = await load(file, text, label);
  if (spec && diagnostics.length === 0) return { spec, plugins };
  if (json) process.stdout.write(`${JSON.stringify({ valid: false, errors: diagnostics })}\n`);
  else for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (!json)
    process.stderr.write(`${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'} in ${label}\n`);
  process.exitCode = 1;
  throw new PipelineInvalid();
}
