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
 */
export class ClosingWindows<K> {
  readonly #byPartition = new Map<number, Map<string, Pending<K>>>();
  /** Per partition, a lower bound of the pending closing times: nothing to scan before it. */
  readonly #earliest = new Map<number, number>();

  add(partition: number, key: K, window: Window, closesAt: number): void {
    let pending = this.#byPartition.get(partition);
    if (pending === undefined) {
      pending = new Map();
      this.#byPartition.set(partition, pending);
    }
    pending.set(id(key, window), { key, window, closesAt });
    if (closesAt < (this.#earliest.get(partition) ?? Infinity)) this.#earliest.set(partition, closesAt);
  }

  remove(partition: number, key: K, window: Window): void {
    this.#byPartition.get(partition)?.delete(id(key, window));
  }

  /** Removes and returns the windows with `closesAt <= closeTime`, by closing time then window start. */
  takeClosed(partition: number, closeTime: number): { key: K; window: Window }[] {
    if ((this.#earliest.get(partition) ?? Infinity) > closeTime) return [];
    const pending = this.#byPartition.get(partition)!;
    const closed: Pending<K>[] = [];
    let earliest = Infinity;
    for (const [windowId, entry] of pending) {
      if (entry.closesAt <= closeTime) {
        closed.push(entry);
        pending.delete(windowId);
      } else if (entry.closesAt < earliest) earliest = entry.closesAt;
    }
    this.#earliest.set(partition, earliest);
    return closed.sort((a, b) => a.closesAt - b.closesAt || a.window.start - b.window.start);
  }
}

function id(key: unknown, window: Window): string {
  return `${window.start}:${window.end}|${keyId(key)}`;
}
