import type { Window } from '../record.js';
import { type Serde, Serdes } from '../serdes.js';
import { compareKeys, keyId } from './key-order.js';
import type { ChangelogRecord, StateStore } from './state-store.js';

/** A windowed entry: a key, its window and the value aggregated in it. */
export interface WindowEntry<K, V> {
  key: K;
  window: Window;
  value: V;
  timestamp: number;
}

/** Queries a window store answers; what `app.store(name)` offers for windowed aggregates. */
export interface ReadOnlyWindowStore<K, V> {
  /** The value of `key` in the window starting at `start`. */
  get(key: K, start: number): V | undefined;
  /** Windows of `key` starting in `[from, to]`, by start; undefined bounds are open. */
  fetch(key: K, from?: number, to?: number): WindowEntry<K, V>[];
  /** Windows of every key starting in `[from, to]`, by start then key. */
  fetchAll(from?: number, to?: number): WindowEntry<K, V>[];
  readonly size: number;
}

export interface WindowStoreOptions<K, V> {
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
}

/**
 * An in-memory store of values per key and window, recording its changes for the changelog.
 *
 * Changelog record key: `key bytes | window start (int64 BE) | window end (int64 BE)`; the value is the serialized
 * value, or a tombstone for a removed window. Windows dropped by {@link WindowStore.expire} are not written as
 * tombstones: the changelog topic is `compact,delete` with a retention longer than the store's, as in Kafka.
 */
export class WindowStore<K, V> implements ReadOnlyWindowStore<K, V>, StateStore {
  /** key identity → window start → entry. Windows of one key have distinct starts. */
  readonly #entries = new Map<string, Map<number, WindowEntry<K, V>>>();
  /**
   * Windows changed since the last `takeChanges`, by key identity then window start: a record costs two lookups on
   * the key and a number, where one string id per record (start and key) cost building and hashing it.
   */
  readonly #dirty = new Map<string, Map<number, { key: K; window: Window }>>();
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<V>;
  #size = 0;
  readonly changelogCleanupPolicy = 'compact,delete' as const;

  constructor(
    readonly name: string,
    options: WindowStoreOptions<K, V> = {},
  ) {
    this.#keySerde = options.keySerde ?? Serdes.json<K>();
    this.#valueSerde = options.valueSerde ?? Serdes.json<V>();
  }

  get size(): number {
    return this.#size;
  }

  get(key: K, start: number): V | undefined {
    return this.#entries.get(keyId(key))?.get(start)?.value;
  }

  getEntry(key: K, start: number): WindowEntry<K, V> | undefined {
    return this.#entries.get(keyId(key))?.get(start);
  }

  put(key: K, window: Window, value: V, timestamp: number): void {
    const id = keyId(key);
    let windows = this.#entries.get(id);
    if (windows === undefined) {
      windows = new Map();
      this.#entries.set(id, windows);
    }
    if (!windows.has(window.start)) this.#size++;
    windows.set(window.start, { key, window, value, timestamp });
    this.#markDirty(id, key, window);
  }

  /** Removes the window of `key` starting at `start`. */
  delete(key: K, start: number): void {
    const id = keyId(key);
    const windows = this.#entries.get(id);
    const entry = windows?.get(start);
    if (windows === undefined || entry === undefined) return;
    windows.delete(start);
    if (windows.size === 0) this.#entries.delete(id);
    this.#size--;
    this.#markDirty(id, key, entry.window);
  }

  #markDirty(id: string, key: K, window: Window): void {
    let changed = this.#dirty.get(id);
    if (changed === undefined) {
      changed = new Map();
      this.#dirty.set(id, changed);
    }
    changed.set(window.start, { key, window });
  }

  fetch(key: K, from = -Infinity, to = Infinity): WindowEntry<K, V>[] {
    const windows = this.#entries.get(keyId(key));
    if (windows === undefined) return [];
    const out: WindowEntry<K, V>[] = [];
    for (const entry of windows.values()) {
      if (entry.window.start >= from && entry.window.start <= to) out.push(entry);
    }
    return out.sort((a, b) => a.window.start - b.window.start);
  }

  fetchAll(from = -Infinity, to = Infinity): WindowEntry<K, V>[] {
    const out: WindowEntry<K, V>[] = [];
    for (const windows of this.#entries.values()) {
      for (const entry of windows.values()) {
        if (entry.window.start >= from && entry.window.start <= to) out.push(entry);
      }
    }
    return out.sort((a, b) => a.window.start - b.window.start || compareKeys(a.key, b.key));
  }

  /** Forgets windows that ended before `end` (retention), without writing tombstones. */
  expire(end: number): void {
    for (const [id, windows] of this.#entries) {
      for (const [start, entry] of windows) {
        if (entry.window.end < end) {
          windows.delete(start);
          this.#size--;
        }
      }
      if (windows.size === 0) this.#entries.delete(id);
    }
  }

  takeChanges(): ChangelogRecord[] {
    const out: ChangelogRecord[] = [];
    for (const changed of this.#dirty.values()) {
      for (const { key, window } of changed.values()) {
        const keyBytes = this.#keySerde.serialize(key, this.name);
        if (keyBytes === null) continue;
        const entry = this.getEntry(key, window.start);
        out.push({
          key: encodeWindowKey(keyBytes, window),
          value: entry === undefined ? null : this.#valueSerde.serialize(entry.value, this.name),
          timestamp: entry?.timestamp ?? window.end,
        });
      }
    }
    this.#dirty.clear();
    return out;
  }

  restore(record: ChangelogRecord): void {
    const { keyBytes, window } = decodeWindowKey(record.key);
    const key = this.#keySerde.deserialize(keyBytes, this.name);
    const id = keyId(key);
    let windows = this.#entries.get(id);
    const had = windows?.has(window.start) ?? false;
    if (record.value === null) {
      if (!had) return;
      windows!.delete(window.start);
      if (windows!.size === 0) this.#entries.delete(id);
      this.#size--;
      return;
    }
    if (windows === undefined) {
      windows = new Map();
      this.#entries.set(id, windows);
    }
    if (!had) this.#size++;
    const value = this.#valueSerde.deserialize(record.value, this.name);
    windows.set(window.start, { key, window, value, timestamp: record.timestamp });
  }
}

const TWO_32 = 2 ** 32;

function writeInt64(out: Buffer, value: number, at: number): void {
  out.writeInt32BE(Math.floor(value / TWO_32), at);
  out.writeUInt32BE(value >>> 0, at + 4);
}

function readInt64(data: Buffer, at: number): number {
  return data.readInt32BE(at) * TWO_32 + data.readUInt32BE(at + 4);
}

/** `key | start (int64 BE) | end (int64 BE)`. */
export function encodeWindowKey(keyBytes: Buffer, window: Window): Buffer {
  const out = Buffer.allocUnsafe(keyBytes.length + 16);
  keyBytes.copy(out, 0);
  writeInt64(out, window.start, keyBytes.length);
  writeInt64(out, window.end, keyBytes.length + 8);
  return out;
}

export function decodeWindowKey(data: Buffer): { keyBytes: Buffer; window: Window } {
  const at = data.length - 16;
  return {
    keyBytes: data.subarray(0, at),
    window: { start: readInt64(data, at), end: readInt64(data, at + 8) },
  };
}
