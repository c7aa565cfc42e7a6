import type { Header, RecordContext } from '../record.js';
import { type Serde, Serdes } from '../serdes.js';
import { compareKeys, inRange, keyId } from './key-order.js';
import type { ChangelogRecord, StateStore } from './state-store.js';

/** A key and its value, as range queries return them. */
export interface KeyValue<K, V> {
  key: K;
  value: V;
  timestamp: number;
}

/** Queries a key-value store answers; what `app.store(name)` offers while the app runs. */
export interface ReadOnlyKeyValueStore<K, V> {
  /** The value of `key`, or undefined when it has none. */
  get(key: K): V | undefined;
  /** Entries with `from <= key <= to`, in key order; an undefined bound is open. */
  range(from?: K, to?: K): KeyValue<K, V>[];
  /** Every entry, in key order. */
  all(): KeyValue<K, V>[];
  readonly size: number;
}

export interface KeyValueStoreOptions<K, V> {
  /** Encodes keys for the changelog. Default JSON. */
  keySerde?: Serde<K>;
  /** Encodes values for the changelog. Default JSON. */
  valueSerde?: Serde<V>;
}

const NO_HEADERS: readonly Header[] = Object.freeze([]);

/** A stored entry; `dirty` while its change waits for the next `takeChanges`. */
interface Entry<K, V> extends KeyValue<K, V> {
  dirty: boolean;
  /**
   * Where the latest update not yet forwarded downstream came from ({@link KeyValueStore.hold}); `heldTopic` is null
   * when none is held. Kept as fields, not as the record: a record held in a long-lived entry would survive every
   * young-generation collection until the commit, and take its key and value strings with it.
   */
  heldTopic: string | null;
  heldPartition: number;
  heldOffset: number;
  heldHeaders: readonly Header[];
}

/**
 * An in-memory key-value store that records its changes for the changelog. The changelog record of an entry has
 * the serialized key as key and the serialized value as value; a deleted key is a tombstone.
 *
 * Writes only mark the entry changed: values are serialized at `takeChanges` (each commit), once per changed key
 * however often it changed, so a hot key costs one map update per write.
 */
export class KeyValueStore<K, V> implements ReadOnlyKeyValueStore<K, V>, StateStore {
  readonly #entries = new Map<string, Entry<K, V>>();
  /** Entries changed since the last `takeChanges`, by key identity; a deleted one is no longer in `#entries`. */
  readonly #dirty = new Map<string, Entry<K, V>>();
  /** Entries with a held update, in the order they were first held since the last release. */
  #held: Entry<K, V>[] = [];
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<V>;

  constructor(
    readonly name: string,
    options: KeyValueStoreOptions<K, V> = {},
  ) {
    this.#keySerde = options.keySerde ?? Serdes.json<K>();
    this.#valueSerde = options.valueSerde ?? Serdes.json<V>();
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    return this.#entries.get(keyId(key))?.value;
  }

  /** The entry of `key` with its timestamp (read it, do not change it: the store would not see the change). */
  getEntry(key: K): Readonly<KeyValue<K, V>> | undefined {
    return this.#entries.get(keyId(key));
  }

  /** {@link KeyValueStore.getEntry} by the key's identity (`keyId(key)`), for callers that read then write a key. */
  getEntryById(id: string): Readonly<KeyValue<K, V>> | undefined {
    return this.#entries.get(id);
  }

  put(key: K, value: V, timestamp: number): void {
    this.putById(keyId(key), key, value, timestamp);
  }

  /** {@link KeyValueStore.put} with the key's identity already computed (`id` must be `keyId(key)`). */
  putById(id: string, key: K, value: V, timestamp: number): void {
    this.update(id, key, this.#entries.get(id), value, timestamp);
  }

  /**
   * The write of a read-modify-write: `found` is what `getEntryById(id)` returned just before (no write since), so
   * the key is looked up once. Returns the entry as written, for {@link KeyValueStore.hold}.
   */
  update(
    id: string,
    key: K,
    found: Readonly<KeyValue<K, V>> | undefined,
    value: V,
    timestamp: number,
  ): Readonly<KeyValue<K, V>> {
    if (found === undefined) {
      const added = newEntry(key, value, timestamp, true);
      this.#entries.set(id, added);
      this.#dirty.set(id, added);
      return added;
    }
    const entry = found as Entry<K, V>;
    entry.value = value;
    entry.timestamp = timestamp;
    if (!entry.dirty) {
      entry.dirty = true;
      this.#dirty.set(id, entry);
    }
    return entry;
  }

  /**
   * Holds where the latest update of `entry` (one {@link KeyValueStore.update} returned) came from, until the next
   * {@link KeyValueStore.releaseHeld}: Kafka's record cache, which forwards only the latest update of each key per
   * commit. Costs a few field writes per update, where a map of held records would cost a lookup. True when the
   * entry held nothing before (the store holds one more entry).
   */
  hold(entry: Readonly<KeyValue<K, V>>, origin: RecordContext): boolean {
    const held = entry as Entry<K, V>;
    const first = held.heldTopic === null;
    if (first) this.#held.push(held);
    held.heldTopic = origin.topic;
    held.heldPartition = origin.partition;
    held.heldOffset = origin.offset;
    held.heldHeaders = origin.headers.length === 0 ? NO_HEADERS : origin.headers;
    return first;
  }

  /** Calls `forward` with each held entry (its current value) and where its update came from, and forgets them. */
  releaseHeld(forward: (entry: Readonly<KeyValue<K, V>>, origin: RecordContext) => void): void {
    const held = this.#held;
    this.#held = [];
    for (const entry of held) {
      const origin: RecordContext = {
        headers: entry.heldHeaders,
        topic: entry.heldTopic!,
        partition: entry.heldPartition,
        offset: entry.heldOffset,
      };
      entry.heldTopic = null;
      entry.heldHeaders = NO_HEADERS;
      // A key deleted since has nothing left to forward.
      if (this.#entries.get(keyId(entry.key)) === entry) forward(entry, origin);
    }
  }

  /** Removes `key`, returning the value it had. */
  delete(key: K): V | undefined {
    const id = keyId(key);
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    this.#entries.delete(id);
    entry.dirty = true;
    this.#dirty.set(id, entry);
    return entry.value;
  }

  range(from?: K, to?: K): KeyValue<K, V>[] {
    const out: KeyValue<K, V>[] = [];
    for (const entry of this.#entries.values()) {
      if (inRange(entry.key, from, to))
        out.push({ key: entry.key, value: entry.value, timestamp: entry.timestamp });
    }
    return out.sort((a, b) => compareKeys(a.key, b.key));
  }

  all(): KeyValue<K, V>[] {
    return this.range();
  }

  takeChanges(): ChangelogRecord[] {
    const out: ChangelogRecord[] = [];
    for (const [id, changed] of this.#dirty) {
      const entry = this.#entries.get(id);
      if (entry !== undefined) entry.dirty = false;
      const keyBytes = this.#keySerde.serialize(changed.key, this.name);
      if (keyBytes === null) continue;
      out.push({
        key: keyBytes,
        value: entry === undefined ? null : this.#valueSerde.serialize(entry.value, this.name),
        timestamp: entry?.timestamp ?? 0,
      });
    }
    this.#dirty.clear();
    return out;
  }

  restore(record: ChangelogRecord): void {
    const key = this.#keySerde.deserialize(record.key, this.name);
    if (record.value === null) this.#entries.delete(keyId(key));
    else {
      const value = this.#valueSerde.deserialize(record.value, this.name);
      this.#entries.set(keyId(key), newEntry(key, value, record.timestamp, false));
    }
  }
}

/** Every entry is made here, with its fields in one order, so that V8 keeps one hidden class for them. */
function newEntry<K, V>(key: K, value: V, timestamp: number, dirty: boolean): Entry<K, V> {
  return {
    key,
    value,
    timestamp,
    dirty,
    heldTopic: null,
    heldPartition: -1,
    heldOffset: -1,
    heldHeaders: NO_HEADERS,
  };
}
