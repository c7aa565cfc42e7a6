import { type StreamRecord, streamTableJoin } from '../../streams/index.js';
import type { AnyRecord } from './dead-letter.js';
import type { CompiledStep, StepContext } from './step-context.js';

export interface JoinSpec {
  table: string;
  type: 'inner' | 'left';
  as: string;
}

/**
 * `join: { table, type, as }` enriches each record with the current row of `table` (a topic read as a table: the
 * latest value per key) for the record's key, under the field `as`. `inner` drops records without a row; `left`
 * keeps them with `null`. The table topic must be keyed, and partitioned, like the stream.
 */
export function joinStep(spec: JoinSpec, ctx: StepContext): CompiledStep {
  const table = ctx.table(spec.table);
  const store = `${ctx.stream}-step${ctx.index}-join-${spec.table}`;
  const joiner = (value: unknown, row: unknown): unknown => ({
    ...(value !== null && typeof value === 'object' && !Array.isArray(value) ? value : { value }),
    [spec.as]: row,
  });
  const op =
    spec.type === 'left'
      ? streamTableJoin<unknown, unknown, unknown, unknown>(table, joiner, { type: 'left', store })
      : streamTableJoin<unknown, unknown, unknown, unknown>(table, joiner, { store });
  return (source) => source.pipe(op) as import('rxjs').Observable<AnyRecord>;
}

export type { StreamRecord };
