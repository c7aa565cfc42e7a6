import type { ConsumerBatch } from '../records.js';
import { type BatchSource, giveBack } from './batch-source.js';

/**
 * Batches as an async iterator. A batch counts as processed when the loop asks for the next one; leaving the loop
 * (`break`, `return` or a throw) hands the last batch back unprocessed, so it is delivered again later.
 */
export function batchIterator<K, V>(source: BatchSource<K, V>): AsyncIterableIterator<ConsumerBatch<K, V>> {
  let previous: ConsumerBatch<K, V> | null = null;
  let done = false;
  const finish = (): IteratorResult<ConsumerBatch<K, V>> => {
    if (!done) {
      done = true;
      source.release();
    }
    return { done: true, value: undefined };
  };
  return {
    async next() {
      if (previous) source.processed(previous);
      previous = null;
      if (done) return { done: true, value: undefined };
      try {
        const batch = await source.next();
        if (!batch) return finish();
        previous = batch;
        return { done: false, value: batch };
      } catch (error) {
        finish();
        throw error;
      }
    },
    async return() {
      if (previous) giveBack(source, previous);
      previous = null;
      return finish();
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
