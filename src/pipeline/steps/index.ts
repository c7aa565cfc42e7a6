import { merge, type Observable } from 'rxjs';
import { type KStream, type KTable, to } from '../../streams/index.js';
import type { StreamSpec } from '../schema.js';
import { stepKinds, stepSchemas } from '../schema.js';
import { type AggregateSpec, aggregateStep } from './aggregate-step.js';
import { branchStep } from './branch-step.js';
import type { AnyRecord } from './dead-letter.js';
import { dedupeStep } from './dedupe-step.js';
import { type JoinSpec, joinStep } from './join-step.js';
import { moduleStep } from './module-step.js';
import { filterStep, flatMapStep, keyStep, mapStep } from './stateless-steps.js';
import type { CompiledStep, StepContext } from './step-context.js';

export { DeadLetterHeaders } from './dead-letter.js';
export type { PipelineOperator } from './module-step.js';

/** Where a compiled stream reads its topics and tables from (the Streams runtime, or the test driver). */
export interface StreamSources {
  stream(topic: string): KStream<unknown, unknown>;
  table(topic: string): KTable<unknown, unknown>;
}

/** Compiles one step (already validated) into an operator. */
export async function compileStep(step: Record<string, unknown>, ctx: StepContext): Promise<CompiledStep> {
  const kind = stepKinds.find((k) => k in step);
  if (!kind) throw new Error(`${ctx.where}: not a step`);
  // biome-ignore lint/suspicious/noExplicitAny: each case reads the fields of its own, validated, step.
  const body = stepSchemas[kind].parse(step) as any;
  switch (kind) {
    case 'filter':
      return filterStep(body.filter, ctx);
    case 'map':
      return mapStep(body.map, ctx);
    case 'key':
      return keyStep(body.key, ctx);
    case 'flatMap':
      return flatMapStep(body.flatMap, ctx);
    case 'branch':
      return branchStep(body.branch, ctx);
    case 'aggregate':
      return aggregateStep(body.aggregate as AggregateSpec, ctx);
    case 'join':
      return joinStep(body.join as JoinSpec, ctx);
    case 'dedupe':
      return dedupeStep(body.dedupe, ctx);
    case 'module':
      return moduleStep(body, ctx);
  }
}

/**
 * Builds the pipeline of one `streams:` entry: its input topics merged, every step in order, then written to
 * `to` (when set). Values are JSON; keys too.
 */
export async function compileStream(
  spec: StreamSpec,
  index: number,
  sources: StreamSources,
  baseDir: string,
): Promise<Observable<AnyRecord>> {
  const inputs = spec.from.map((t) => sources.stream(t));
  let stream: Observable<AnyRecord> = inputs.length === 1 ? inputs[0] : merge(...inputs);
  for (const [i, step] of spec.steps.entries()) {
    const kind = stepKinds.find((k) => k in (step as object)) ?? 'step';
    const op = await compileStep(step as Record<string, unknown>, {
      where: `streams.${index}.steps.${i} (${kind})`,
      stream: spec.name,
      index: i,
      deadLetterTopic: spec['dead.letter.topic'],
      table: (topic) => sources.table(topic),
      baseDir,
    });
    stream = stream.pipe(op);
  }
  return spec.to ? stream.pipe(to(spec.to)) : stream;
}
