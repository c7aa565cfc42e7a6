import type { Window } from '../record.js';
import { keyId } from '../state/key-order.js';

interface Pending<K> {
  key: K;
  window: Window;
  closesAt: number;
}

/**
 * Windows waiting to be emitted once (`emit: 'final'`, Kafka's `suppress(untilWindowCloses)`): each is released
 * when stream time minus the grace period reaches its closing time, and never again.
 *
 * Kept by partition, window start and key identity: a record of a window already pending (most records) costs
 * three map lookups on a number and the key, where a string id per record (start, end and key) cost building,
 * flattening and hashing a new string. Windows of one key with the same start are one window (a session merged
 * or grown keeps its start or gets a new one; tumbling and hopping windows are given by their start).
 */
export class ClosingWindows<K> {
  readonly #byPartition = new Map<number, Map<number, Map<string, Pending<K>>>>();
  /** Per partition, a lower bound of the pending closing times: nothing to scan before it. */
  readonly #earliest = new Map<number, number>();

  add(partition: number, key: K, window: Window, closesAt: number): void {
    let starts = this.#byPartition.get(partition);
    if (starts === undefined) {
      starts = new Map();
      this.#byPartition.set(partition, starts);
    }
    let pending = starts.get(window.start);
    if (pending === undefined) {
      pending = new Map();
      starts.set(window.start, pending);
    }
    const id = keyId(key);
    const entry = pending.get(id);
    if (entry !== undefined && entry.window.end === window.end && entry.closesAt === closesAt) return;
    pending.set(id, { key, window, closesAt });
    if (closesAt < (this.#earliest.get(partition) ?? Infinity)) this.#earliest.set(partition, closesAt);
  }

  remove(partition: number, key: K, window: Window): void {
    const starts = this.#byPartition.get(partition);
    const pending = starts?.get(window.start);
    if (pending === undefined) return;
    const id = keyId(key);
    if (pending.get(id)?.window.end !== window.end) return;
    pending.delete(id);
    if (pending.size === 0) starts!.delete(window.start);
  }

  /** Removes and returns the windows with `closesAt <= closeTime`, by closing time then window start. */
  takeClosed(partition: number, closeTime: number): { key: K; window: Window }[] {
    if ((this.#earliest.get(partition) ?? Infinity) > closeTime) return [];
    const starts = this.#byPartition.get(partition)!;
    const closed: Pending<K>[] = [];
    let earliest = Infinity;
    for (const [start, pending] of starts) {
      for (const [id, entry] of pending) {
        if (entry.closesAt <= closeTime) {
          closed.push(entry);
          pending.delete(id);
        } else if (entry.closesAt < earliest) earliest = entry.closesAt;
      }
      if (pending.size === 0) starts.delete(start);
    }
    this.#earliest.set(partition, earliest);
    return closed.sort((a, b) => a.closesAt - b.closesAt || a.window.start - b.window.start);
  }
}
