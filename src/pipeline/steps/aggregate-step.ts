import { map, type Observable, type OperatorFunction } from 'rxjs';
import {
  aggregateByKey,
  groupByKey,
  hoppingWindows,
  type StreamRecord,
  sessionWindows,
  slidingWindows,
  tumblingWindows,
  type Windowed,
  type Windows,
  windowedAggregate,
  withValue,
} from '../../streams/index.js';
import { compileExpression, type RecordExpression } from '../expression.js';
import { type AnyRecord, perRecord } from './dead-letter.js';
import type { CompiledStep, StepContext } from './step-context.js';

type Op = 'count' | 'sum' | 'min' | 'max' | 'avg' | 'collect';

export interface AggregateSpec {
  window?: {
    type: 'tumbling' | 'hopping' | 'sliding' | 'session';
    size?: number;
    advance?: number;
    gap?: number;
    grace: number;
    emit: 'changes' | 'final';
    timestamp?: string;
  };
  fields: Record<string, Partial<Record<Op, string | true>>>;
}

/** Running state of one field: a number, a sum and count (avg), or the collected values. */
type FieldState = number | null | { s: number; n: number } | unknown[];
type State = Record<string, FieldState>;

interface FieldPlan {
  name: string;
  op: Op;
  input: RecordExpression | null;
}

function windowsOf(w: NonNullable<AggregateSpec['window']>): Windows {
  const grace = { grace: w.grace };
  switch (w.type) {
    case 'tumbling':
      return tumblingWindows(w.size!, grace);
    case 'hopping':
      return hoppingWindows(w.size!, w.advance!, grace);
    case 'sliding':
      return slidingWindows(w.size!, grace);
    case 'session':
      return sessionWindows(w.gap!, grace);
  }
}

function initial(plan: FieldPlan[]): State {
  const state: State = {};
  for (const f of plan)
    state[f.name] =
      f.op === 'count' || f.op === 'sum'
        ? 0
        : f.op === 'avg'
          ? { s: 0, n: 0 }
          : f.op === 'collect'
            ? []
            : null;
  return state;
}

function fold(plan: FieldPlan[], inputs: Record<string, unknown>, state: State): State {
  const next: State = { ...state };
  for (const f of plan) {
    const v = inputs[f.name];
    const cur = state[f.name];
    switch (f.op) {
      case 'count':
        next[f.name] = (cur as number) + 1;
        break;
      case 'sum':
        next[f.name] = (cur as number) + (v as number);
        break;
      case 'min':
        next[f.name] = cur === null ? (v as number) : Math.min(cur as number, v as number);
        break;
      case 'max':
        next[f.name] = cur === null ? (v as number) : Math.max(cur as number, v as number);
        break;
      case 'avg': {
        const a = cur as { s: number; n: number };
        next[f.name] = { s: a.s + (v as number), n: a.n + 1 };
        break;
      }
      case 'collect':
        next[f.name] = [...(cur as unknown[]), v];
        break;
    }
  }
  return next;
}

function merge(plan: FieldPlan[], a: State, b: State): State {
  const out: State = {};
  for (const f of plan) {
    const x = a[f.name];
    const y = b[f.name];
    if (f.op === 'count' || f.op === 'sum') out[f.name] = (x as number) + (y as number);
    else if (f.op === 'min')
      out[f.name] = x === null ? y : y === null ? x : Math.min(x as number, y as number);
    else if (f.op === 'max')
      out[f.name] = x === null ? y : y === null ? x : Math.max(x as number, y as number);
    else if (f.op === 'avg') {
      const p = x as { s: number; n: number };
      const q = y as { s: number; n: number };
      out[f.name] = { s: p.s + q.s, n: p.n + q.n };
    } else out[f.name] = [...(x as unknown[]), ...(y as unknown[])];
  }
  return out;
}

function result(plan: FieldPlan[], state: State): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of plan) {
    const v = state[f.name];
    out[f.name] =
      f.op === 'avg'
        ? (v as { n: number }).n === 0
          ? null
          : (v as { s: number }).s / (v as { n: number }).n
        : v;
  }
  return out;
}

/**
 * `aggregate: { window?, fields }` groups records by their key (set one with a `key` step first) and folds each
 * group, optionally per event-time window, into the named fields: `count`, `sum`, `min`, `max`, `avg`, `collect`
 * of an expression. The output record keeps the key; its value holds the key, the window's `start` and `end` (ISO
 * times) when windowed, and the fields. Records later than the window's grace go to the store's late topic.
 */
export function aggregateStep(spec: AggregateSpec, ctx: StepContext): CompiledStep {
  const plan: FieldPlan[] = Object.entries(spec.fields).map(([name, ops]) => {
    const [op, expr] = Object.entries(ops)[0] as [Op, string | true];
    return {
      name,
      op,
      input: op === 'count' ? null : compileExpression(String(expr), `${ctx.where}.fields.${name}.${op}`),
    };
  });
  const store = `${ctx.stream}-step${ctx.index}-aggregate`;
  const timestamp = spec.window?.timestamp
    ? compileExpression(spec.window.timestamp, `${ctx.where}.window.timestamp`)
    : null;

  // Evaluate the field inputs first, per record, so that a value of the wrong type is dead-lettered with its
  // reason instead of failing the aggregation.
  const inputs = perRecord(ctx.where, ctx.deadLetterTopic, (record, emit) => {
    if (record.key === null || record.key === undefined) {
      throw new Error('aggregate needs a record key: add a `key` step before it');
    }
    const values: Record<string, unknown> = {};
    for (const f of plan) {
      if (!f.input) continue;
      const v = f.input(record);
      if (f.op !== 'collect' && (typeof v !== 'number' || Number.isNaN(v))) {
        throw new Error(
          `field ${f.name}: ${f.op} needs a number, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`,
        );
      }
      values[f.name] = v;
    }
    if (timestamp) {
      const t = timestamp(record);
      const ms = typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) : Number.NaN;
      if (Number.isNaN(ms)) throw new Error(`window.timestamp gave ${JSON.stringify(t)}, not a time`);
      values['\u0000ts'] = ms;
    }
    emit(withValue(record, values));
  });

  const init = () => initial(plan);
  const agg = (_k: unknown, v: Record<string, unknown>, s: State) => fold(plan, v, s);
  const grouped = (
    source: Observable<AnyRecord>,
  ): Observable<StreamRecord<unknown, Record<string, unknown>>> =>
    source.pipe(inputs, groupByKey<unknown, unknown>()) as Observable<
      StreamRecord<unknown, Record<string, unknown>>
    >;

  if (!spec.window) {
    return (source) =>
      grouped(source).pipe(
        aggregateByKey(init, agg, { store }),
        map((r): AnyRecord => ({ ...r, value: { key: r.key, ...result(plan, r.value) } })),
      );
  }
  const windows = windowsOf(spec.window);
  const options = {
    store,
    emit: spec.window.emit,
    ...(timestamp
      ? { timestamp: (r: StreamRecord<unknown, unknown>) => (r.value as Record<string, number>)['\u0000ts'] }
      : {}),
  };
  const windowed: OperatorFunction<
    StreamRecord<unknown, Record<string, unknown>>,
    StreamRecord<Windowed<unknown>, State | null>
  > = windows.kind === 'session'
    ? windowedAggregate(windows, init, agg, { ...options, merger: (_k, a, b) => merge(plan, a, b) })
    : windowedAggregate(windows, init, agg, options);
  return (source) =>
    grouped(source).pipe(
      windowed,
      map(
        (r): AnyRecord => ({
          ...r,
          key: r.key.key,
          value:
            r.value === null
              ? null
              : {
                  key: r.key.key,
                  start: new Date(r.key.window.start).toISOString(),
                  end: new Date(r.key.window.end).toISOString(),
                  ...result(plan, r.value),
                },
        }),
      ),
    );
}
