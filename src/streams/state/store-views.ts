import { UnknownStoreError } from '../../errors.js';
import { compareKeys } from './key-order.js';
import { type KeyValue, KeyValueStore, type ReadOnlyKeyValueStore } from './key-value-store.js';
import { SessionStore } from './session-store.js';
import type { StateStore, StoreGroup } from './state-store.js';
import { type ReadOnlyWindowStore, type WindowEntry, WindowStore } from './window-store.js';

/** Finds store groups by name; what an app or test driver hands to the views. */
export type StoreLookup = (name: string) => StoreGroup<StateStore> | undefined;

function stores<S>(
  lookup: StoreLookup,
  known: () => string[],
  name: string,
  kind: string,
  is: (s: StateStore) => boolean,
): S[] {
  const group = lookup(name);
  if (group === undefined) throw new UnknownStoreError(name, known());
  const all = group.partitions().map(([, store]) => store);
  if (all.some((store) => !is(store))) throw new UnknownStoreError(name, known(), kind);
  return all as S[];
}

/**
 * One key-value store as seen across the partitions this instance holds (an interactive query): a key lives in
 * exactly one partition, so `get` answers from whichever has it.
 */
export function keyValueStoreView<K, V>(
  lookup: StoreLookup,
  known: () => string[],
  name: string,
): ReadOnlyKeyValueStore<K, V> {
  const parts = () =>
    stores<KeyValueStore<K, V>>(lookup, known, name, 'key-value', (s) => s instanceof KeyValueStore);
  parts();
  return {
    get: (key) => {
      for (const store of parts()) {
        const value = store.get(key);
        if (value !== undefined) return value;
      }
      return undefined;
    },
    range: (from, to) =>
      parts()
        .flatMap((store) => store.range(from, to))
        .sort((a: KeyValue<K, V>, b: KeyValue<K, V>) => compareKeys(a.key, b.key)),
    all: () =>
      parts()
        .flatMap((store) => store.all())
        .sort((a, b) => compareKeys(a.key, b.key)),
    get size() {
      return parts().reduce((n, store) => n + store.size, 0);
    },
  };
}

/** A window or session store across partitions. `session` selects which kind is expected. */
export function windowStoreView<K, V>(
  lookup: StoreLookup,
  known: () => string[],
  name: string,
  session: boolean,
): ReadOnlyWindowStore<K, V> {
  const kind = session ? 'session' : 'window';
  const parts = () =>
    stores<WindowStore<K, V>>(lookup, known, name, kind, (s) =>
      session ? s instanceof SessionStore : s instanceof WindowStore && !(s instanceof SessionStore),
    );
  parts();
  const byStartThenKey = (a: WindowEntry<K, V>, b: WindowEntry<K, V>) =>
    a.window.start - b.window.start || compareKeys(a.key, b.key);
  return {
    get: (key, start) => {
      for (const store of parts()) {
        const value = store.get(key, start);
        if (value !== undefined) return value;
      }
      return undefined;
    },
    fetch: (key, from, to) =>
      parts()
        .flatMap((store) => store.fetch(key, from, to))
        .sort(byStartThenKey),
    fetchAll: (from, to) =>
      parts()
        .flatMap((store) => store.fetchAll(from, to))
        .sort(byStartThenKey),
    get size() {
      return parts().reduce((n, store) => n + store.size, 0);
    },
  };
}
