import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { OperatorFunction } from 'rxjs';
import { ConfigError } from '../../errors.js';
import type { StreamRecord } from '../../streams/index.js';
import type { CompiledStep, StepContext } from './step-context.js';

/**
 * What a `module:` step's export must be: a function taking the step's `options` and returning an RxJS operator
 * over records (whose values are the decoded JSON values). It may use any Streams operator, stores included.
 *
 * @example
 * ```ts
 * // steps/tax.ts — used as `- module: ./steps/tax.ts#addTax` with `options: { rate: 0.2 }`
 * export const addTax: PipelineOperator = (options) => mapValues((v) => ({ ...v, tax: v.amount * options.rate }));
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: a user's operator is typed by the user.
export type PipelineOperator = (
  options: Record<string, any>,
) => OperatorFunction<StreamRecord<any, any>, StreamRecord<any, any>>;

/**
 * Loads `./path.ts#export` relative to the pipeline file (TypeScript through tsx, JavaScript as is), as the file is
 * now: tsx imports afresh on each call.
 */
export async function moduleStep(
  spec: { module: string; options?: Record<string, unknown> },
  ctx: StepContext,
): Promise<CompiledStep> {
  const hash = spec.module.lastIndexOf('#');
  const file = resolve(ctx.baseDir, spec.module.slice(0, hash));
  const name = spec.module.slice(hash + 1);
  let mod: Record<string, unknown>;
  try {
    if (/\.[cm]?ts$/.test(file)) {
      const { tsImport } = await import('tsx/esm/api');
      mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
    } else {
      // Node caches a module by URL; the modification time in the query loads an edited file anew (`--watch`).
      const url = `${pathToFileURL(file).href}?mtime=${statSync(file).mtimeMs}`;
      mod = (await import(url)) as Record<string, unknown>;
    }
  } catch (err) {
    throw new ConfigError(`${ctx.where}: cannot load ${file}: ${(err as Error).message}`, {
      key: ctx.where,
      cause: err,
    });
  }
  const factory = mod[name];
  if (typeof factory !== 'function') {
    const exported = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
    throw new ConfigError(
      `${ctx.where}: ${file} has no exported function "${name}"${exported.length ? ` (it exports ${exported.join(', ')})` : ''}`,
      { key: ctx.where },
    );
  }
  const operator = (factory as PipelineOperator)(spec.options ?? {});
  if (typeof operator !== 'function') {
    throw new ConfigError(
      `${ctx.where}: ${name}(options) must return an RxJS operator (a function), got ${typeof operator}`,
      { key: ctx.where },
    );
  }
  return operator as CompiledStep;
}
