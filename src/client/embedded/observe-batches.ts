import type { Observable, ObservableInput, Subscription } from 'rxjs';
import type { ConsumerBatch } from '../records.js';
import { rxjs } from '../rxjs.js';
import { type BatchSource, giveBack } from './batch-source.js';

/**
 * Batches as an Observable that pulls: the next batch is taken only after the previous one was handled — when the
 * subscriber's `next` returned, or, with `project`, when the projected ObservableInput completed. Unsubscribing
 * stops the read and hands an unfinished batch back.
 */
export function observeBatches<K, V, R>(
  source: BatchSource<K, V>,
  project?: (batch: ConsumerBatch<K, V>) => ObservableInput<R>,
): Observable<ConsumerBatch<K, V> | R> {
  const { Observable, from } = rxjs();
  return new Observable<ConsumerBatch<K, V> | R>((subscriber) => {
    let active = true;
    let inner: Subscription | null = null;
    const pump = async (): Promise<void> => {
      while (active) {
        const batch = await source.next();
        if (!batch) break;
        if (!active) {
          giveBack(source, batch);
          break;
        }
        if (!project) {
          try {
            subscriber.next(batch);
          } catch (error) {
            giveBack(source, batch);
            throw error;
          }
          source.processed(batch);
          continue;
        }
        const completed = await new Promise<boolean>((resolve, reject) => {
          inner = from(project(batch)).subscribe({
            next: (value) => subscriber.next(value),
            error: reject,
            complete: () => resolve(true),
          });
          if (!active) resolve(false);
          else cancel = () => resolve(false);
        }).catch((error: unknown) => {
          giveBack(source, batch);
          throw error;
        });
        inner = null;
        if (completed) source.processed(batch);
        else giveBack(source, batch);
      }
    };
    let cancel = (): void => {};
    pump().then(
      () => {
        source.release();
        subscriber.complete();
      },
      (error: unknown) => {
        source.release();
        subscriber.error(error);
      },
    );
    return () => {
      active = false;
      (inner as Subscription | null)?.unsubscribe();
      cancel();
      source.stop();
    };
  });
}
