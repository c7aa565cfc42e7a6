import { Observable } from 'rxjs';
import { currentContext, KeyValueStore } from '../../streams/index.js';
import { compileExpression } from '../expression.js';
import type { AnyRecord } from './dead-letter.js';
import type { CompiledStep, StepContext } from './step-context.js';

/**
 * `dedupe: { key?, within }` drops a record when another with the same dedupe key (the expression, or the record
 * key) was seen within `within` ms of event time before it. Last-seen times live in a key-value store backed by a
 * changelog, so duplicates are still caught after a restart.
 */
export function dedupeStep(spec: { key?: string; within: number }, ctx: StepContext): CompiledStep {
  const keyOf = spec.key ? compileExpression(spec.key, `${ctx.where}.key`) : (r: AnyRecord) => r.key;
  const storeName = `${ctx.stream}-step${ctx.index}-dedupe`;
  return (source) =>
    new Observable<AnyRecord>((subscriber) => {
      const stores = currentContext().stores(storeName, (name) => new KeyValueStore<unknown, number>(name));
      return source.subscribe({
        next: (record) => {
          let key: unknown;
          try {
            key = keyOf(record);
          } catch (err) {
            subscriber.error(
              new Error(
                `step ${ctx.where} failed on ${record.topic}-${record.partition}@${record.offset}: ${(err as Error).message}`,
              ),
            );
            return;
          }
          const store = stores.partition(record.partition);
          const seen = store.get(key ?? null);
          if (seen !== undefined && record.timestamp - seen <= spec.within && record.timestamp >= seen)
            return;
          store.put(key ?? null, record.timestamp, record.timestamp);
          subscriber.next(record);
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
}
