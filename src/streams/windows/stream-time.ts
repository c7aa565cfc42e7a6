/**
 * Stream time per task, as Kafka keeps it: the largest record timestamp seen so far. It never goes back, so a
 * window that closed stays closed, and results do not depend on wall-clock time or on when records were read.
 */
export class StreamTime {
  readonly #byPartition = new Map<number, number>();

  /** Advances the partition's stream time with a record's timestamp; returns the (possibly unchanged) time. */
  observe(partition: number, timestamp: number): number {
    const current = this.#byPartition.get(partition);
    if (current !== undefined && current >= timestamp) return current;
    this.#byPartition.set(partition, timestamp);
    return timestamp;
  }

  get(partition: number): number {
    return this.#byPartition.get(partition) ?? -Infinity;
  }
}
