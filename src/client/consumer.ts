import type { Observable, ObservableInput } from 'rxjs';
import type {
  ConsumerBatch,
  ConsumerRecord,
  TopicPartition,
  TopicPartitionOffset,
  TopicPartitions,
} from './records.js';
import type { Serde } from './serde.js';

/** Client-side partition assignors (the consumer protocol's names). */
export type AssignorName = 'range' | 'roundrobin' | 'cooperative-sticky';

/** Consumer settings, with Kafka's names and defaults where Kafka has them. Unknown keys are rejected. */
export interface ConsumerOptions<K = Buffer | null, V = Buffer | null> {
  /** Join this consumer group and use {@link Consumer.subscribe}; without it, use {@link Consumer.assign}. */
  groupId?: string;
  /** Where to start a partition without a committed offset: `earliest`, `latest` (default) or `none` (an error). */
  'auto.offset.reset'?: 'earliest' | 'latest' | 'none';
  /** Commit processed offsets every `auto.commit.interval.ms`, on rebalance and on close. Default true. */
  'enable.auto.commit'?: boolean;
  /** How often processed offsets are committed in the background. Default 5000. */
  'auto.commit.interval.ms'?: number;
  /** A member that sends no heartbeat for this long is removed from the group. Default 45000. */
  'session.timeout.ms'?: number;
  /** How often the member tells the group it is alive; must be below the session timeout. Default 3000. */
  'heartbeat.interval.ms'?: number;
  /**
   * The rebalance timeout: how long a rebalance waits for this member to finish the batch in its hands and rejoin
   * before the group goes on without it. Default 300000.
   */
  'max.poll.interval.ms'?: number;
  /** In order of preference; all members of a group must share one. Default `['range']`. */
  'partition.assignment.strategy'?: AssignorName[];
  /** Longest wait of a fetch for new records (a long poll). Default 500. */
  'fetch.max.wait.ms'?: number;
  /** A fetch returns once this many bytes are there (or the wait ends). Default 1. */
  'fetch.min.bytes'?: number;
  /** Bytes fetched per partition per fetch (at least one batch). Default 1 MiB. */
  'max.partition.fetch.bytes'?: number;
  /** Most records in one delivered batch. Default 500. */
  'max.poll.records'?: number;
  /**
   * `read_uncommitted` (default): every record, as soon as it is appended. `read_committed`: only records of
   * committed transactions (and non-transactional ones), never past the last stable offset, so nothing of an
   * open or aborted transaction is ever delivered.
   */
  'isolation.level'?: 'read_uncommitted' | 'read_committed';
  /** Subscribing to a missing topic creates it (when the log or broker allows it). Default false. */
  'allow.auto.create.topics'?: boolean;
  /** Names this member in group descriptions. Default `sluice`. */
  'client.id'?: string;
  /** Decodes keys. Default: Buffers (null for a null key). */
  keySerde?: Serde<K>;
  /** Decodes values. Default: Buffers (null for a tombstone). */
  valueSerde?: Serde<V>;
}

/** Told when partitions move. The consumer awaits each callback before it goes on with the rebalance. */
export interface RebalanceListener {
  /** Partitions newly assigned to this member (only the added ones under cooperative rebalancing). */
  onPartitionsAssigned?(partitions: TopicPartition[]): void | Promise<void>;
  /**
   * Partitions this member is about to give up. With auto-commit, their processed offsets were committed just
   * before; with manual commits this is the last chance to commit them.
   */
  onPartitionsRevoked?(partitions: TopicPartition[]): void | Promise<void>;
}

/** What `run({ eachMessage })` is given per record. */
export interface EachMessagePayload<K, V> {
  topic: string;
  partition: number;
  message: ConsumerRecord<K, V>;
  /** Keeps the session alive during long work (backends that heartbeat on their own resolve at once). */
  heartbeat(): Promise<void>;
  /** Pauses this partition; the returned function resumes it. */
  pause(): () => void;
}

/** What `run({ eachBatch })` is given per batch. */
export interface EachBatchPayload<K, V> {
  batch: ConsumerBatch<K, V>;
  /** Marks records up to and including `offset` as processed (committable). */
  resolveOffset(offset: number): void;
  /** Keeps the session alive during long work (backends that heartbeat on their own resolve at once). */
  heartbeat(): Promise<void>;
  /** Pauses the batch's partition; the returned function resumes it. */
  pause(): () => void;
  /** False once the consumer is stopping: a long batch handler should return early. */
  isRunning(): boolean;
  /** True when the partition was revoked while the batch was handled: its remaining records belong to another member. */
  isStale(): boolean;
}

export interface RunOptions<K, V> {
  /** Called once per record, in offset order per partition; the record counts as processed when it resolves. */
  eachMessage?(payload: EachMessagePayload<K, V>): Promise<void>;
  /** Called once per batch; exactly one of `eachMessage` and `eachBatch` must be given. */
  eachBatch?(payload: EachBatchPayload<K, V>): Promise<void>;
  /** Resolve the whole batch when `eachBatch` resolves. Default true. */
  eachBatchAutoResolve?: boolean;
  /** Partitions handled at the same time (never two batches of one partition). Default 1. */
  partitionsConsumedConcurrently?: number;
}

/**
 * Reads records from topic partitions, either as a member of a group (`groupId` + {@link Consumer.subscribe}) or
 * from partitions it picks itself ({@link Consumer.assign}).
 *
 * Flow control is the same in the three ways to read (an async iterator, {@link Consumer.run}, and
 * {@link Consumer.observe}): a partition is fetched again only once its previous batch was handed over and
 * processed, and at most one fetch per partition runs ahead. A slow reader slows fetching; memory stays bounded
 * by about `max.partition.fetch.bytes` × assigned partitions.
 *
 * Only one way to read may be active at a time. A record counts as processed when: its batch's iterator step is
 * followed by the next `next()`; its `eachMessage` resolved (or `eachBatch`, or `resolveOffset` covered it); its
 * `observe` batch was handled (see there). Auto-commit commits only processed records, so after a crash or a
 * rebalance reading resumes at the first record not processed: records may be seen twice, never skipped.
 */
export interface Consumer<K = Buffer | null, V = Buffer | null> extends AsyncIterable<ConsumerBatch<K, V>> {
  /** The group this consumer commits for, if any. */
  readonly groupId: string | undefined;
  /**
   * Joins the group and follows the named topics, or every topic matching a RegExp (topics created later
   * included). Resolves once the first assignment is known. Rejects with {@link UnknownTopicError} for a missing
   * named topic when auto-creation is off, with {@link ConfigError} without a `groupId`.
   */
  subscribe(topics: string | RegExp | (string | RegExp)[], listener?: RebalanceListener): Promise<void>;
  /** Reads exactly these partitions, without a group (manual assignment). Replaces any earlier assignment. */
  assign(partitions: TopicPartition[]): Promise<void>;
  /** The partitions this consumer currently owns. */
  assignment(): TopicPartition[];
  /**
   * Moves the next read of an assigned partition to `offset` (clamped by the log's start and end when reading);
   * a batch fetched earlier for that partition is dropped. Throws `UNKNOWN_TOPIC_OR_PARTITION` when not assigned.
   */
  seek(position: TopicPartitionOffset): void;
  /**
   * Kafka's position: the offset of the next record the consumer will deliver for an assigned partition, which
   * moves past transaction markers and records a read_committed consumer skips even when nothing is delivered
   * (how a reader knows it caught up with an end offset). -1 when unknown. Embedded backend only.
   */
  position?(partition: TopicPartition): number;
  /** Stops fetching these partitions; records already delivered are unaffected. Pausing survives a rebalance. */
  pause(partitions: TopicPartitions[]): void;
  /** Fetches these partitions again, from where their delivered records end. */
  resume(partitions: TopicPartitions[]): void;
  /** The assigned partitions that are paused now. */
  paused(): TopicPartition[];
  /**
   * Commits offsets for the group. Without arguments, commits every processed position; with `offsets`, exactly
   * those (each the *next* offset to read). Rejects with {@link OffsetOutOfRangeError} for an offset beyond the
   * log end, with {@link GroupError} `ILLEGAL_GENERATION`/`REBALANCE_IN_PROGRESS` when a rebalance fenced this
   * member, with {@link ConfigError} without a group.
   */
  commit(offsets?: TopicPartitionOffset[]): Promise<void>;
  /** The group's committed offsets of these partitions (default: the assignment); -1 where none is committed. */
  committed(partitions?: TopicPartition[]): Promise<TopicPartitionOffset[]>;
  /**
   * Delivers batches until {@link Consumer.stop} or {@link Consumer.close}. The previous batch counts as processed
   * when `next()` is called again, so `stop()` ends a loop with its last batch processed. Leaving the loop by
   * `break` or a throw hands the last batch back unprocessed (it is delivered again): the iterator cannot tell a
   * finished body from a failed one. Either way the consumer stays in its group.
   */
  [Symbol.asyncIterator](): AsyncIterator<ConsumerBatch<K, V>>;
  /**
   * Starts the kafkajs-style read loop and resolves once it runs. A handler that throws is retried with back off
   * (the batch is not marked processed); the loop ends on {@link Consumer.stop} or {@link Consumer.close}.
   */
  run(options: RunOptions<K, V>): Promise<void>;
  /**
   * Batches as an RxJS Observable. Without `project`, a batch is processed once the subscriber's `next` returns:
   * right for synchronous pipelines. With `project`, each batch is mapped to an ObservableInput (a promise, an
   * Observable) whose values are emitted; the batch is processed, and the next one of its partition fetched, when
   * it completes. Unsubscribing stops reading; an error from `project` errors the Observable.
   */
  observe(): Observable<ConsumerBatch<K, V>>;
  observe<R>(project: (batch: ConsumerBatch<K, V>) => ObservableInput<R>): Observable<R>;
  /** Ends the active read (iterator, run loop or Observable) after its current batch; keeps the group membership. */
  stop(): Promise<void>;
  /** Stops reading, commits processed offsets (auto-commit), leaves the group at once (no session timeout). Idempotent. */
  close(): Promise<void>;
}
