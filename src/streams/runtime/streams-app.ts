import { merge, type Observable, type Subscription } from 'rxjs';
import type { Consumer } from '../../client/consumer.js';
import type { Producer } from '../../client/producer.js';
import type { ConsumerBatch, TopicPartition } from '../../client/records.js';
import { serdes } from '../../client/serde.js';
import type { Client } from '../../client/types.js';
import { SluiceError, UnknownTopicError } from '../../errors.js';
import { decoded } from '../codec.js';
import { toTable } from '../operators/to-table.js';
import type { KStream, KTable } from '../record.js';
import type { KeyValueSerdes } from '../serdes.js';
import type { ReadOnlyKeyValueStore } from '../state/key-value-store.js';
import { keyValueStoreView, windowStoreView } from '../state/store-views.js';
import type { ReadOnlyWindowStore } from '../state/window-store.js';
import { Topology } from '../topology.js';
import { createAppTopics } from './app-topics.js';
import { Committer, transactionalId } from './committer.js';
import { OutputBuffer } from './output-buffer.js';
import { restoreStores } from './restore.js';
import {
  CONSUMER_DEFAULTS,
  type ResolvedStreamsOptions,
  type StreamsOptions,
  streamsOptions,
} from './streams-options.js';
import { TaskQueues } from './task-queues.js';

type Bytes = Buffer | null;

/** Attempts at restoring a task's stores before the app fails. */
const RESTORE_ATTEMPTS = 5;

/** Where an app is in its life. */
export type StreamsState = 'created' | 'starting' | 'running' | 'stopped' | 'failed';

/**
 * A Streams application on a client (either backend). Declare its inputs with {@link StreamsApp.stream} and
 * {@link StreamsApp.table}, build pipelines from them with operators, and run them with {@link StreamsApp.start}.
 *
 * Work is split into tasks by input partition: the app joins the consumer group `applicationId`, and task `p`
 * processes partition `p` of every input topic, with its own stores, restored from their changelog partition `p`
 * when the task is assigned. Instances with the same id share the partitions and rebalance when one joins or
 * leaves. Inputs must therefore be co-partitioned (same partition count, same key partitioning).
 *
 * At least once: every `commitIntervalMs`, outputs and changelog records are flushed and acknowledged, then the
 * offsets of the input records that caused them are committed. Exactly once: the same, inside one transaction per
 * commit interval (outputs, changelog records and input offsets commit together, or a crash aborts them all); the
 * app reads its inputs and restores its stores read_committed, and does not process records while committing. Reading waits while more than
 * `maxBufferedRecords` outputs are unacknowledged, so a slow sink slows the reading and memory stays bounded.
 */
export class StreamsApp {
  readonly options: ResolvedStreamsOptions;
  readonly #topology: Topology;
  #state: StreamsState = 'created';
  #consumer: Consumer<Bytes, Bytes> | undefined;
  #producer: Producer<Bytes, Bytes> | undefined;
  #committer: Committer | undefined;
  #outputs: OutputBuffer | undefined;
  #subscriptions: Subscription[] = [];
  /** Next offset to commit per input topic-partition: one past the last record dispatched. */
  readonly #positions = new Map<string, { topic: string; partition: number; offset: number }>();
  readonly #tasks = new Set<number>();
  /** Restores in progress, by partition. */
  readonly #restoring = new Map<number, Promise<void>>();
  /** The last rebalance step (revocation or assignment) handed to the app. */
  #rebalancing: Promise<void> = Promise.resolve();
  #failure: unknown;
  #loop: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopLoop: () => void = () => {};
  /** Fetched records not processed yet, per input partition, taken in timestamp order per task. */
  readonly #queues = new TaskQueues();
  /** Input partitions whose reading this app paused because enough of them is buffered. */
  readonly #paused = new Set<string>();
  /** Records buffered per partition before its reading pauses: one poll's worth. */
  #bufferLimit: number = CONSUMER_DEFAULTS['max.poll.records'];

  constructor(
    readonly client: Client,
    options: StreamsOptions,
  ) {
    this.options = streamsOptions(options);
    this.#topology = new Topology(this.options.applicationId, (topic, record) => {
      this.#outputs?.add(topic, record);
      // The app reads this topic too (a repartition topic): its task may have to wait for what it just wrote.
      if (!this.#exactlyOnce && this.#topology.hasSource(topic)) this.#queues.written(topic);
    });
  }

  get applicationId(): string {
    return this.options.applicationId;
  }

  get state(): StreamsState {
    return this.#state;
  }

  /** Partitions (tasks) this instance processes now. */
  tasks(): number[] {
    return [...this.#tasks].sort((a, b) => a - b);
  }

  /** One or more topics read as a stream, decoded with `serdes` (JSON where none is given). */
  stream<K, V>(topics: string | string[], serdes: KeyValueSerdes<K, V> = {}): KStream<K, V> {
    const list = Array.isArray(topics) ? topics : [topics];
    const streams = list.map((topic) => this.#topology.source(topic).pipe(decoded(serdes)));
    return streams.length === 1 ? streams[0] : merge(...streams);
  }

  /** A topic read as a table, materialized in a key-value store (named `store`, or generated). */
  table<K, V>(topic: string, serdes: KeyValueSerdes<K, V> & { store?: string } = {}): KTable<K, V> {
    return this.stream<K, V | null>(topic, serdes as KeyValueSerdes<K, V | null>).pipe(
      toTable<K, V>({ store: serdes.store, keySerde: serdes.key, valueSerde: serdes.value }),
    );
  }

  /** A key-value store of the running pipelines, across the tasks of this instance (an interactive query). */
  store<K, V>(name: string): ReadOnlyKeyValueStore<K, V> {
    return keyValueStoreView(this.#lookup, this.#storeNames, name);
  }

  windowStore<K, V>(name: string): ReadOnlyWindowStore<K, V> {
    return windowStoreView(this.#lookup, this.#storeNames, name, false);
  }

  sessionStore<K, V>(name: string): ReadOnlyWindowStore<K, V> {
    return windowStoreView(this.#lookup, this.#storeNames, name, true);
  }

  /**
   * Subscribes the pipelines, creates the internal topics, joins the group, restores the stores of the assigned
   * tasks, and starts processing. Resolves once processing runs. Rejects with {@link UnknownTopicError} when an
   * input topic does not exist.
   */
  async start(...pipelines: Observable<unknown>[]): Promise<void> {
    if (this.#state !== 'created')
      throw new SluiceError('APP_STATE', `streams app "${this.applicationId}" was already started`);
    this.#state = 'starting';
    const { applicationId, acks } = this.options;
    this.#subscriptions = this.#topology.start(pipelines, (error) => this.#fail(error));
    const topics = this.#topology.sourceTopics();
    if (topics.length === 0)
      throw new SluiceError('NO_INPUT', `streams app "${applicationId}" reads no topic`);
    await createAppTopics(this.client.admin(), this.applicationId, this.#topology, topics);
    const eos = this.#exactlyOnce;
    this.#producer = this.client.producer<Bytes, Bytes>({
      ...this.options.producer,
      acks,
      keySerde: serdes.buffer,
      valueSerde: serdes.buffer,
      ...(eos ? { 'transactional.id': transactionalId(applicationId) } : {}),
    });
    this.#outputs = new OutputBuffer(
      eos
        ? { sendBatch: (topic, records) => this.#committer!.openTransaction().sendBatch(topic, records) }
        : this.#producer,
    );
    this.#bufferLimit = Number(
      this.options.consumer['max.poll.records'] ?? CONSUMER_DEFAULTS['max.poll.records'],
    );
    this.#consumer = this.client.consumer<Bytes, Bytes>({
      ...CONSUMER_DEFAULTS,
      ...this.options.consumer,
      ...(eos ? { 'isolation.level': 'read_committed' as const } : {}),
      groupId: applicationId,
      'enable.auto.commit': false,
      'auto.offset.reset': 'earliest',
      'partition.assignment.strategy': ['range'],
    });
    this.#committer = new Committer({
      applicationId,
      topology: this.#topology,
      producer: this.#producer,
      consumer: this.#consumer,
      outputs: this.#outputs,
      positions: this.#positions,
      exactlyOnce: eos,
      fail: (error) => this.#fail(error),
    });
    await this.#consumer.subscribe(topics, {
      // In the order the consumer reports them, each after the previous one is done: a backend that does not
      // await its listener (kafka) could otherwise drop the stores of a new assignment with an old revocation.
      onPartitionsAssigned: (assigned) => this.#inOrder(() => this.#assign(assigned)),
      onPartitionsRevoked: (revoked) => this.#inOrder(() => this.#revoke(revoked)),
    });
    this.#state = 'running';
    this.#loop = this.#run();
    // done() reports the failure; this keeps an app nobody awaits from crashing the process.
    this.#loop.catch(() => {});
    this.#timer = setInterval(() => {
      this.#commit().catch((error) => this.#fail(error));
    }, this.options.commitIntervalMs);
    this.#timer.unref();
  }

  /** Resolves when the app stops (after {@link StreamsApp.close}); rejects with what made it fail. */
  async done(): Promise<void> {
    await this.#loop;
  }

  /** Stops reading, commits what was processed, and leaves the group. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'created') {
      this.#state = 'stopped';
      return;
    }
    const failed = this.#state === 'failed';
    this.#state = 'stopped';
    clearInterval(this.#timer);
    this.#stopLoop();
    await this.#loop?.catch(() => {});
    await this.#consumer?.stop();
    if (!failed) await this.#commit();
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
    await this.#consumer?.close();
    await this.#producer?.close();
  }

  /** Commits now: outputs and changelogs acknowledged, then input offsets. */
  commit(): Promise<void> {
    return this.#commit();
  }

  async #run(): Promise<void> {
    const consumer = this.#consumer!;
    const outputs = this.#outputs!;
    const queues = this.#queues;
    const batches = consumer[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<ConsumerBatch<Bytes, Bytes>>> | undefined;
    try {
      while (this.#state === 'running') {
        // close() resolves the wait with null: the loop leaves even while a fetch is pending. A fresh promise per
        // batch, not a race against one long-lived promise, which would keep every batch reachable. While a task
        // waits for a partition with more to read, the wait is bounded by maxTaskIdleMs: then it goes on with what
        // it has (Kafka Streams' max.task.idle.ms).
        const waiting = queues.size > 0;
        // The iterator's next batch is asked for once: a wait that ended idle leaves it pending for the next turn
        // (asking again would lose the batch it resolves with).
        pending ??= batches.next();
        const fetching = pending;
        const next = await new Promise<IteratorResult<ConsumerBatch<Bytes, Bytes>> | null | 'idle'>(
          (resolve, reject) => {
            this.#stopLoop = () => resolve(null);
            const idle = waiting ? setTimeout(() => resolve('idle'), this.options.maxTaskIdleMs) : undefined;
            fetching.then(
              (result) => {
                clearTimeout(idle);
                resolve(result);
              },
              (error) => {
                clearTimeout(idle);
                reject(error);
              },
            );
          },
        );
        if (next !== 'idle') pending = undefined;
        if (next === null || (next !== 'idle' && next.done) || this.#state !== 'running') break;
        if (next !== 'idle') {
          const batch = next.value;
          if (!this.#tasks.has(batch.partition)) {
            // A batch of a partition revoked meanwhile is not ours to process; one of a partition just assigned
            // waits for its task's stores to be restored (a backend may deliver it before the restore is done).
            if (!this.#owns(batch.topic, batch.partition)) continue;
            await this.#task(batch.partition);
            if (this.#state !== 'running') break;
            // Revoked while its stores were being restored: the stores are gone, the batch is the next owner's.
            if (!this.#tasks.has(batch.partition) || !this.#owns(batch.topic, batch.partition)) continue;
          }
          queues.add(batch.topic, batch.partition, batch.records, batch.highWatermark);
          queues.fetched(batch.topic);
          // Buffered records are bounded per partition, as Kafka Streams' buffered.records.per.partition.
          if (queues.bufferedOf(batch.topic, batch.partition) >= this.#bufferLimit)
            this.#pause(batch.topic, batch.partition);
        }
        // Exactly once: what the app wrote to its repartition topics, and what others have not committed, is not
        // readable before the transactions commit, so a task never waits for it.
        await this.#process(next === 'idle' || this.#exactlyOnce);
        if (this.#failure !== undefined) throw this.#failure;
        // Outputs go to the producer at once; past the limit, reading waits for the oldest sends only, so the
        // producer always has the newer ones to write.
        const limit = this.options.maxBufferedRecords;
        if (outputs.size >= limit) await outputs.below(limit);
        else outputs.send();
      }
      // Failed elsewhere (a periodic commit, a rebalance callback): done() rejects with that failure.
      if (this.#state === 'failed') throw this.#failure;
    } catch (error) {
      this.#fail(error);
      throw error;
    } finally {
      queues.clear();
      void batches.return?.();
    }
  }

  /** Processes buffered records, each task's in timestamp order, until every task is drained or must wait. */
  async #process(force: boolean): Promise<void> {
    const queues = this.#queues;
    for (const task of queues.tasks()) {
      for (;;) {
        const run = queues.next(task, force);
        if (run === null) break;
        // Exactly once: no record is processed while a commit is taking its snapshot and committing it.
        if (this.#exactlyOnce) await this.#committer!.transactionReady();
        if (this.#state !== 'running') return;
        // Revoked since it was buffered: the next owner processes it from the last commit.
        if (!this.#tasks.has(run.partition) || !this.#owns(run.topic, run.partition)) {
          queues.drop(run.topic, run.partition);
          continue;
        }
        this.#topology.dispatchAll(run.topic, run.records);
        if (this.#failure !== undefined) return;
        const last = run.records[run.records.length - 1]!;
        const id = `${run.topic}:${run.partition}`;
        this.#positions.set(id, { topic: run.topic, partition: run.partition, offset: last.offset + 1 });
        if (this.#paused.has(id) && queues.bufferedOf(run.topic, run.partition) < this.#bufferLimit) {
          this.#paused.delete(id);
          this.#consumer!.resume([{ topic: run.topic, partitions: [run.partition] }]);
        }
      }
    }
  }

  #pause(topic: string, partition: number): void {
    const id = `${topic}:${partition}`;
    if (this.#paused.has(id)) return;
    this.#paused.add(id);
    this.#consumer!.pause([{ topic, partitions: [partition] }]);
  }

  /** Commits one at a time; nothing to commit before the app has its clients. */
  #commit(): Promise<void> {
    return this.#committer?.commit() ?? Promise.resolve();
  }

  get #exactlyOnce(): boolean {
    return this.options.guarantee === 'exactly_once';
  }

  async #assign(assigned: TopicPartition[]): Promise<void> {
    await this.#lagsOf(assigned);
    try {
      for (const partition of new Set(assigned.map((tp) => tp.partition))) await this.#task(partition);
    } catch (error) {
      // Nobody may await this listener (the kafka backend does not): the failure is the app's.
      this.#fail(error);
    }
  }

  /**
   * Tells the task queues where reading of newly assigned partitions starts and where their logs end, so that a
   * task waits for a partition with records to read before it takes newer ones of another. Best effort: without
   * it, a task processes what it has.
   */
  async #lagsOf(assigned: TopicPartition[]): Promise<void> {
    try {
      const committed = await this.#consumer!.committed(assigned);
      const start = new Map(committed.map((o) => [`${o.topic}:${o.partition}`, o.offset]));
      const admin = this.client.admin();
      for (const topic of new Set(assigned.map((tp) => tp.topic))) {
        for (const p of await admin.partitionOffsets(topic)) {
          const id = `${topic}:${p.partition}`;
          if (!assigned.some((tp) => tp.topic === topic && tp.partition === p.partition)) continue;
          const from = start.get(id) ?? -1;
          this.#queues.assign(topic, p.partition, from >= 0 ? from : p.logStartOffset, p.highWatermark);
        }
      }
    } catch {
      // The partitions' tasks process what they are handed, in timestamp order among what is buffered.
    }
  }

  /** Resolves once the task of `partition` has its stores restored; restores them on first call. */
  #task(partition: number): Promise<void> {
    if (this.#tasks.has(partition)) return Promise.resolve();
    let restoring = this.#restoring.get(partition);
    if (restoring === undefined) {
      restoring = this.#restore(partition).finally(() => this.#restoring.delete(partition));
      this.#restoring.set(partition, restoring);
    }
    return restoring;
  }

  /**
   * Replays the changelogs of `partition` into its stores, retrying a failed attempt from the start (applying a
   * changelog again only rewrites entries with the same values), a few times before the app fails.
   */
  async #restore(partition: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await restoreStores(
          this.client,
          this.applicationId,
          this.#topology.storeGroups(),
          partition,
          this.#exactlyOnce ? 'read_committed' : 'read_uncommitted',
        );
        this.#tasks.add(partition);
        return;
      } catch (error) {
        if (attempt >= RESTORE_ATTEMPTS || this.#state === 'stopped' || this.#state === 'failed') throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  }

  #inOrder(step: () => Promise<void>): Promise<void> {
    const run = this.#rebalancing.then(step);
    this.#rebalancing = run.catch(() => {});
    return run;
  }

  #owns(topic: string, partition: number): boolean {
    return this.#consumer!.assignment().some((tp) => tp.topic === topic && tp.partition === partition);
  }

  async #revoke(revoked: TopicPartition[]): Promise<void> {
    // A commit fenced by the rebalance is not fatal: the next owner reprocesses from the last commit (at least once).
    await this.#commit().catch(() => {});
    const gone = new Set(revoked.map((tp) => `${tp.topic}:${tp.partition}`));
    for (const id of gone) {
      this.#positions.delete(id);
      this.#paused.delete(id);
    }
    for (const tp of revoked) this.#queues.drop(tp.topic, tp.partition);
    const kept = new Set(
      this.#consumer!.assignment()
        .filter((tp) => !gone.has(`${tp.topic}:${tp.partition}`))
        .map((tp) => tp.partition),
    );
    for (const { partition } of revoked) {
      if (kept.has(partition)) continue;
      // A restore the loop started for a batch of this partition writes into the store about to be dropped.
      await this.#restoring.get(partition)?.catch(() => {});
      this.#tasks.delete(partition);
      for (const group of this.#topology.storeGroups()) group.drop(partition);
    }
  }

  #fail(error: unknown): void {
    if (this.#failure === undefined) this.#failure = error;
    if (this.#state === 'running' || this.#state === 'starting') this.#state = 'failed';
    // The loop may be waiting for a batch that never comes; it leaves now and done() reports the failure.
    this.#stopLoop();
  }

  readonly #lookup = (name: string) => this.#topology.storeGroup(name);
  readonly #storeNames = () => this.#topology.storeGroups().map((group) => group.name);
}

/**
 * A Streams app on `client`.
 *
 * @example
 * ```ts
 * const app = streams(client, { applicationId: 'word-count' });
 * await app.start(
 *   app.stream('lines', { value: Serdes.string }).pipe(
 *     flatMapValues((line) => line.split(' ')),
 *     groupRecordsBy((_, word) => word),
 *     countByKey({ store: 'counts' }),
 *     to('word-counts', { key: Serdes.string, value: Serdes.long }),
 *   ),
 * );
 * app.store<string, number>('counts').get('hello');
 * ```
 */
export function streams(client: Client, options: StreamsOptions): StreamsApp {
  return new StreamsApp(client, options);
}
