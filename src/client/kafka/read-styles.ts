import type { Observable, ObservableInput } from 'rxjs';
import type { RunOptions } from '../consumer.js';
import type { ConsumerBatch } from '../records.js';
import { rxjs } from '../rxjs.js';
import type { HandoffResult, Sink } from './batch-handoff.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Partition controls `run` handlers get. */
export interface RunControls {
  heartbeat(): Promise<void>;
  pause(topic: string, partition: number): () => void;
  isRunning(): boolean;
  isStale(topic: string, partition: number): boolean;
}

/**
 * The `run` way to read as a sink: `eachMessage` per record, or `eachBatch` per batch; a handler that throws is
 * retried with back off, the records before it staying processed.
 */
export function runSink<K, V>(options: RunOptions<K, V>, controls: RunControls): Sink<K, V> {
  return async (batch) => {
    const { topic, partition, records } = batch;
    let next = records[0].offset;
    for (let attempt = 0; controls.isRunning(); attempt++) {
      try {
        if (options.eachMessage) {
          for (const message of records) {
            if (message.offset < next) continue;
            if (!controls.isRunning()) return next;
            await options.eachMessage({
              topic,
              partition,
              message,
              heartbeat: controls.heartbeat,
              pause: () => controls.pause(topic, partition),
            });
            next = message.offset + 1;
          }
          return next;
        }
        let resolved = next - 1;
        await options.eachBatch?.({
          batch,
          resolveOffset: (offset) => {
            resolved = Math.max(resolved, offset);
          },
          heartbeat: controls.heartbeat,
          pause: () => controls.pause(topic, partition),
          isRunning: controls.isRunning,
          isStale: () => controls.isStale(topic, partition),
        });
        return options.eachBatchAutoResolve === false ? resolved + 1 : records[records.length - 1].offset + 1;
      } catch {
        await sleep(Math.min(100 * 2 ** attempt, 5000));
      }
    }
    return next;
  };
}

/**
 * The `observe` way to read. Without `project` a batch is processed when the subscriber's `next` returns; with
 * it, when the batch's projection completes. Installing the sink happens on subscribe, removing it on teardown.
 */
export function observeBatches<K, V, R>(
  install: (sink: Sink<K, V>) => () => void,
  project?: (batch: ConsumerBatch<K, V>) => ObservableInput<R>,
): Observable<R | ConsumerBatch<K, V>> {
  const { Observable, from } = rxjs();
  return new Observable<R | ConsumerBatch<K, V>>((subscriber) => {
    const done = (batch: ConsumerBatch<K, V>): HandoffResult =>
      batch.records[batch.records.length - 1].offset + 1;
    const uninstall = install(async (batch) => {
      if (subscriber.closed) return batch.records[0].offset;
      if (!project) {
        subscriber.next(batch);
        return done(batch);
      }
      return new Promise<HandoffResult>((resolve) => {
        from(project(batch)).subscribe({
          next: (value) => subscriber.next(value),
          error: (err) => {
            subscriber.error(err);
            resolve(batch.records[0].offset);
          },
          complete: () => resolve(done(batch)),
        });
      });
    });
    return uninstall;
  });
}
