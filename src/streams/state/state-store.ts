/** One record of a store's changelog topic, as written and as read back on restore. */
export interface ChangelogRecord {
  key: Buffer;
  /** `null` deletes the entry (a tombstone: the compacted changelog forgets the key). */
  value: Buffer | null;
  /** The timestamp of the entry (for aggregates, of the latest record that updated it). */
  timestamp: number;
}

/**
 * What every state store promises the runtime. A store lives in memory and records which entries changed; the
 * runtime writes those changes to the store's compacted changelog topic (`<app>-<store>-changelog`, one
 * partition per task) before it commits the input offsets that caused them, and replays the changelog through
 * {@link StateStore.restore} when a task starts, so the store survives restarts and moves between instances.
 */
export interface StateStore {
  readonly name: string;
  /**
   * The entries changed since the last call, encoded for the changelog: at most one record per entry, holding its
   * latest value (as Kafka's store cache does, so a key updated 1,000 times between commits costs one record).
   */
  takeChanges(): ChangelogRecord[];
  /** Applies one changelog record; does not count as a change. */
  restore(record: ChangelogRecord): void;
  /** Number of entries held. */
  readonly size: number;
  /**
   * How the changelog topic is cleaned: `compact` (default) keeps the latest record per key; stores whose entries
   * expire by time (windows) use `compact,delete` so that expired windows also leave the changelog.
   */
  readonly changelogCleanupPolicy?: 'compact' | 'compact,delete';
}

/** Every store of one name, one per partition (task), created on first use. */
export class StoreGroup<S extends StateStore> {
  readonly #byPartition = new Map<number, S>();

  constructor(
    readonly name: string,
    private readonly create: (name: string, partition: number) => S,
  ) {}

  /** The store of `partition`, created empty on first use. */
  partition(partition: number): S {
    let store = this.#byPartition.get(partition);
    if (store === undefined) {
      store = this.create(this.name, partition);
      this.#byPartition.set(partition, store);
    }
    return store;
  }

  /** The store of `partition` if it exists. */
  existing(partition: number): S | undefined {
    return this.#byPartition.get(partition);
  }

  /** The stores that exist, by partition, in partition order. */
  partitions(): [number, S][] {
    return [...this.#byPartition].sort((a, b) => a[0] - b[0]);
  }

  /** The cleanup policy of this store's changelog topic (asked of a throwaway instance: stores start empty). */
  changelogCleanupPolicy(): 'compact' | 'compact,delete' {
    return this.create(this.name, -1).changelogCleanupPolicy ?? 'compact';
  }

  /** Forgets the store of a partition this instance no longer owns. */
  drop(partition: number): void {
    this.#byPartition.delete(partition);
  }
}
