import type { SourceRecord } from '../context.js';

/** Fetched records of one input partition not yet processed, oldest first. */
interface PartitionQueue {
  readonly topic: string;
  readonly partition: number;
  /** Fetched batches, the first one partly processed from {@link PartitionQueue.at} on. */
  readonly chunks: SourceRecord[][];
  at: number;
  size: number;
  /** The partition's log end when its last batch was fetched, and one past the last offset fetched. */
  highWatermark: number;
  fetchedTo: number;
}

/** A run of records of one partition to process next, in offset order. */
export interface Run {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly SourceRecord[];
}

/**
 * The records a streams app fetched and has not processed yet, per input partition, and the order it processes
 * them in: within a task (a partition number, across every input topic), always the record with the lowest
 * timestamp at the head of a partition's queue, as Kafka Streams' PartitionGroup picks them. A word count reading
 * `lines` and its own repartition topic thus counts the words of a line before it reads much further: the counting
 * side keeps up with the reading side instead of leaving it a backlog.
 *
 * A task waits while one of its partitions has nothing buffered but more to read (the last fetch left lag, or the
 * app wrote to it since): the record it would fetch may be older than what is buffered. Kafka Streams' max.task.idle.ms
 * bounds that wait; the caller does the same with `force`.
 */
export class TaskQueues {
  readonly #queues = new Map<string, PartitionQueue>();
  /** Topics the app reads back what it writes (repartition topics) and wrote to since their last fetch. */
  readonly #written = new Set<string>();
  #size = 0;

  /** Records buffered over every partition. */
  get size(): number {
    return this.#size;
  }

  /** Buffers a fetched batch (records in offset order) of `topic`/`partition`. */
  add(topic: string, partition: number, records: readonly SourceRecord[], highWatermark: number): void {
    if (records.length === 0) return;
    const queue = this.#queue(topic, partition);
    queue.chunks.push(records as SourceRecord[]);
    queue.size += records.length;
    queue.highWatermark = highWatermark;
    queue.fetchedTo = records[records.length - 1]!.offset + 1;
    this.#size += records.length;
  }

  /**
   * Starts the queue of a newly assigned partition whose reading starts at `position` in a log ending at
   * `highWatermark`: its task waits for it while there is something to read.
   */
  assign(topic: string, partition: number, position: number, highWatermark: number): void {
    const queue = this.#queue(topic, partition);
    queue.fetchedTo = position;
    queue.highWatermark = highWatermark;
  }

  /** Records buffered for one partition. */
  bufferedOf(topic: string, partition: number): number {
    return this.#queues.get(key(topic, partition))?.size ?? 0;
  }

  /** The app wrote records to `topic`, which it also reads: its queues may be missing records not yet fetched. */
  written(topic: string): void {
    this.#written.add(topic);
  }

  /** A fetch of `topic` came back: what was written to it before is now known to the fetcher. */
  fetched(topic: string): void {
    this.#written.delete(topic);
  }

  /** Tasks (partition numbers) with something buffered. */
  tasks(): number[] {
    const out = new Set<number>();
    for (const queue of this.#queues.values()) if (queue.size > 0) out.add(queue.partition);
    return [...out];
  }

  /**
   * The next run of `task` in timestamp order: records of the partition whose head is oldest, up to (not
   * including) the first one newer than another partition's head. Null when nothing is buffered for the task, or
   * when it must wait for a partition that has nothing buffered and more to read, unless `force`.
   */
  next(task: number, force: boolean): Run | null {
    let best: PartitionQueue | undefined;
    let bestTimestamp = Number.POSITIVE_INFINITY;
    let second = Number.POSITIVE_INFINITY;
    for (const queue of this.#queues.values()) {
      if (queue.partition !== task) continue;
      if (queue.size === 0) {
        if (!force && this.#mayHaveMore(queue)) return null;
        continue;
      }
      const timestamp = queue.chunks[0]![queue.at]!.timestamp;
      if (timestamp < bestTimestamp) {
        second = bestTimestamp;
        best = queue;
        bestTimestamp = timestamp;
      } else if (timestamp < second) second = timestamp;
    }
    if (best === undefined) return null;
    return this.#take(best, second);
  }

  /** Forgets what is buffered for `topic`/`partition` (revoked, or moved by a seek). */
  drop(topic: string, partition: number): void {
    const queue = this.#queues.get(key(topic, partition));
    if (queue === undefined) return;
    this.#size -= queue.size;
    this.#queues.delete(key(topic, partition));
  }

  /** Forgets everything buffered. */
  clear(): void {
    this.#queues.clear();
    this.#size = 0;
  }

  #mayHaveMore(queue: PartitionQueue): boolean {
    // A transaction's marker at the end of a partition is never fetched: a gap of one is not lag.
    return queue.highWatermark - queue.fetchedTo > 1 || this.#written.has(queue.topic);
  }

  /** Takes the head records of `queue` whose timestamps are not above `limit` (at least one). */
  #take(queue: PartitionQueue, limit: number): Run {
    const chunk = queue.chunks[0]!;
    const from = queue.at;
    let to = from + 1;
    while (to < chunk.length && chunk[to]!.timestamp <= limit) to++;
    const records = from === 0 && to === chunk.length ? chunk : chunk.slice(from, to);
    if (to === chunk.length) {
      queue.chunks.shift();
      queue.at = 0;
    } else queue.at = to;
    queue.size -= records.length;
    this.#size -= records.length;
    return { topic: queue.topic, partition: queue.partition, records };
  }

  #queue(topic: string, partition: number): PartitionQueue {
    const k = key(topic, partition);
    let queue = this.#queues.get(k);
    if (queue === undefined) {
      queue = { topic, partition, chunks: [], at: 0, size: 0, highWatermark: 0, fetchedTo: 0 };
      this.#queues.set(k, queue);
    }
    return queue;
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
