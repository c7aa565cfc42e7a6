import { setTimeout as delay } from 'node:timers/promises';
import type { Observable, ObservableInput } from 'rxjs';
import { ClientStateError, ConfigError, OffsetOutOfRangeError, UnknownPartitionError } from '../../errors.js';
import type { PartitionAssignor } from '../../group/assignors/types.js';
import type { Consumer, RebalanceListener, RunOptions } from '../consumer.js';
import type { ResolvedConsumerOptions } from '../options.js';
import type { ConsumerBatch, TopicPartition, TopicPartitionOffset, TopicPartitions } from '../records.js';
import { batchIterator } from './batch-iterator.js';
import type { BatchSource } from './batch-source.js';
import type { ClientContext } from './client-context.js';
import { GroupSession, type SessionHost } from './group-session.js';
import { observeBatches } from './observe-batches.js';
import { PartitionFetcher, tpKey } from './partition-fetcher.js';
import { runLoop } from './run-loop.js';
import { subscribedTopics } from './subscription.js';

const ITERATOR = 'the async iterator';

/** A consumer reading the process's log directly, as a group member or with a manual assignment. */
export class EmbeddedConsumer<K, V> implements Consumer<K, V> {
  readonly groupId: string | undefined;
  private readonly fetcher: PartitionFetcher<K, V>;
  private session: GroupSession | null = null;
  private subscription: (string | RegExp)[] | null = null;
  private listener: RebalanceListener = {};
  private readonly pausedKeys = new Set<string>();
  private reading: { style: string; ended: Promise<void>; release: () => void } | null = null;
  private stopping = false;
  private autoCommit: NodeJS.Timeout | null = null;
  private failure: unknown;
  private closed = false;

  constructor(
    private readonly context: ClientContext,
    private readonly options: ResolvedConsumerOptions<K, V>,
    private readonly assignors: PartitionAssignor[],
    private readonly onClose: (consumer: EmbeddedConsumer<K, V>) => void = () => {},
  ) {
    this.groupId = options.groupId;
    this.fetcher = new PartitionFetcher(context.log, {
      maxWaitMs: options['fetch.max.wait.ms'],
      minBytes: options['fetch.min.bytes'],
      maxPartitionBytes: options['max.partition.fetch.bytes'],
      maxPollRecords: options['max.poll.records'],
      autoOffsetReset: options['auto.offset.reset'],
      isolationLevel: options['isolation.level'],
      keySerde: options.keySerde,
      valueSerde: options.valueSerde,
    });
  }

  async subscribe(
    topics: string | RegExp | (string | RegExp)[],
    listener: RebalanceListener = {},
  ): Promise<void> {
    this.assertOpen();
    const groupId = this.requireGroup('subscribe');
    if (this.subscription === null && this.fetcher.partitions().length > 0) {
      throw new ClientStateError(
        'SUBSCRIPTION_CONFLICT',
        'this consumer was assigned partitions; subscribe or assign, not both',
      );
    }
    const list = Array.isArray(topics) ? topics : [topics];
    for (const topic of list) {
      if (typeof topic === 'string')
        await this.context.partitionsOf(topic, this.options['allow.auto.create.topics']);
    }
    this.subscription = list;
    this.listener = listener;
    if (this.session) {
      await this.session.requestRejoin();
      return;
    }
    const coordinator = await this.context.coordinator();
    this.session = new GroupSession(
      coordinator,
      this.context.log,
      {
        groupId,
        clientId: this.options['client.id'],
        sessionTimeoutMs: this.options['session.timeout.ms'],
        rebalanceTimeoutMs: this.options['max.poll.interval.ms'],
        heartbeatIntervalMs: this.options['heartbeat.interval.ms'],
        assignors: this.assignors,
      },
      this.sessionHost(),
    );
    await this.session.start();
    this.startAutoCommit();
  }

  async assign(partitions: TopicPartition[]): Promise<void> {
    this.assertOpen();
    if (this.subscription) {
      throw new ClientStateError(
        'SUBSCRIPTION_CONFLICT',
        'this consumer subscribed to topics; subscribe or assign, not both',
      );
    }
    for (const { topic, partition } of partitions) {
      const count = await this.context.partitionsOf(topic, this.options['allow.auto.create.topics']);
      if (partition < 0 || partition >= count) throw new UnknownPartitionError(topic, partition, count);
    }
    const keep = new Set(partitions.map((tp) => tpKey(tp.topic, tp.partition)));
    this.fetcher.remove(this.fetcher.partitions().filter((tp) => !keep.has(tpKey(tp.topic, tp.partition))));
    const added = partitions.filter((tp) => !this.fetcher.has(tp.topic, tp.partition));
    await this.startReading(added);
    this.startAutoCommit();
  }

  assignment(): TopicPartition[] {
    return this.fetcher.partitions();
  }

  position({ topic, partition }: TopicPartition): number {
    return this.fetcher.position(topic, partition);
  }

  seek({ topic, partition, offset }: TopicPartitionOffset): void {
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new ConfigError(`cannot seek ${topic}-${partition} to ${offset}: offsets are integers from 0`);
    }
    if (!this.fetcher.seek(topic, partition, offset)) {
      throw new ClientStateError(
        'NOT_ASSIGNED',
        `cannot seek ${topic}-${partition}: this consumer does not own it`,
      );
    }
  }

  pause(partitions: TopicPartitions[]): void {
    for (const tp of this.expand(partitions)) {
      this.pausedKeys.add(tpKey(tp.topic, tp.partition));
      this.fetcher.setPaused(tp.topic, tp.partition, true);
    }
  }

  resume(partitions: TopicPartitions[]): void {
    for (const tp of this.expand(partitions)) {
      this.pausedKeys.delete(tpKey(tp.topic, tp.partition));
      this.fetcher.setPaused(tp.topic, tp.partition, false);
    }
  }

  paused(): TopicPartition[] {
    return this.fetcher.paused().filter((tp) => this.pausedKeys.has(tpKey(tp.topic, tp.partition)));
  }

  async commit(offsets?: TopicPartitionOffset[]): Promise<void> {
    const groupId = this.requireGroup('commit');
    const explicit = offsets !== undefined;
    const toCommit = offsets ?? this.fetcher.consumedOffsets();
    if (toCommit.length === 0) return;
    if (explicit) {
      for (const o of toCommit) {
        const { logStartOffset, highWatermark } = await this.context.log.offsets(o.topic, o.partition);
        if (!Number.isSafeInteger(o.offset) || o.offset < 0 || o.offset > highWatermark) {
          throw new OffsetOutOfRangeError(o.topic, o.partition, o.offset, logStartOffset, highWatermark);
        }
      }
    }
    if (this.session) await this.session.commit(toCommit);
    else {
      const coordinator = await this.context.coordinator();
      const results = await coordinator.commitOffsets({
        groupId,
        generationId: -1,
        memberId: '',
        offsets: toCommit,
      });
      const failed = results.find((r) => r.error);
      if (failed?.error) throw failed.error;
    }
    this.fetcher.committed(toCommit);
  }

  async committed(partitions?: TopicPartition[]): Promise<TopicPartitionOffset[]> {
    const groupId = this.requireGroup('committed');
    const coordinator = await this.context.coordinator();
    const found = await coordinator.fetchOffsets(groupId, partitions ?? this.assignment());
    return found.map(({ topic, partition, offset }) => ({ topic, partition, offset }));
  }

  [Symbol.asyncIterator](): AsyncIterator<ConsumerBatch<K, V>> {
    return batchIterator(this.beginRead(ITERATOR));
  }

  async run(options: RunOptions<K, V>): Promise<void> {
    if (!options.eachBatch === !options.eachMessage) {
      throw new ConfigError('run() takes exactly one of eachMessage and eachBatch');
    }
    void runLoop(this.beginRead('run()'), options);
  }

  observe(): Observable<ConsumerBatch<K, V>>;
  observe<R>(project: (batch: ConsumerBatch<K, V>) => ObservableInput<R>): Observable<R>;
  observe<R>(
    project?: (batch: ConsumerBatch<K, V>) => ObservableInput<R>,
  ): Observable<ConsumerBatch<K, V> | R> {
    return observeBatches(this.lazySource('observe()'), project);
  }

  async stop(): Promise<void> {
    const reading = this.reading;
    if (!reading) return;
    this.stopping = true;
    this.fetcher.stop();
    // An iterator ends at once: nobody may be pulling it. run() and observe() end when their current batch does.
    if (reading.style === ITERATOR) reading.release();
    await reading.ended;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.stop();
    this.closed = true;
    if (this.autoCommit) clearInterval(this.autoCommit);
    if (this.groupId && this.options['enable.auto.commit']) await this.commit().catch(() => {});
    await this.session?.leave();
    this.fetcher.remove(this.fetcher.partitions());
    this.onClose(this);
  }

  /** Registers the one active read style; the returned source is what it pulls from. */
  private beginRead(style: string): BatchSource<K, V> {
    this.assertOpen();
    if (this.reading) {
      throw new ClientStateError(
        'READ_IN_PROGRESS',
        `cannot start ${style}: ${this.reading.style} is reading; stop() it first`,
      );
    }
    // A batch an earlier reader took and never finished (a stopped iterator) would block its partition.
    this.fetcher.abandonDeliveries();
    let end!: () => void;
    const ended = new Promise<void>((resolve) => {
      end = resolve;
    });
    const fetcher = this.fetcher;
    const release = (): void => {
      if (this.reading !== reading) return;
      this.reading = null;
      this.stopping = false;
      fetcher.restart();
      end();
    };
    const reading = { style, ended, release };
    this.reading = reading;
    return {
      next: async () => {
        if (this.reading !== reading) return null;
        if (this.failure !== undefined) {
          const failure = this.failure;
          this.failure = undefined;
          throw failure;
        }
        return fetcher.next();
      },
      processed: (batch, upTo) => fetcher.processed(batch, upTo),
      isStale: (batch) => fetcher.isStale(batch),
      pause: (batch) => {
        const tp = [{ topic: batch.topic, partitions: [batch.partition] }];
        this.pause(tp);
        return () => this.resume(tp);
      },
      isRunning: () => !this.stopping && this.reading === reading,
      stop: () => {
        if (this.reading === reading) void this.stop();
      },
      release,
    };
  }

  /** For the Observable: the read begins at subscription, not when `observe()` is called. */
  private lazySource(style: string): BatchSource<K, V> {
    let source: BatchSource<K, V> | null = null;
    const get = (): BatchSource<K, V> => {
      source ??= this.beginRead(style);
      return source;
    };
    return {
      next: () => get().next(),
      processed: (batch, upTo) => get().processed(batch, upTo),
      isStale: (batch) => get().isStale(batch),
      pause: (batch) => get().pause(batch),
      isRunning: () => get().isRunning(),
      stop: () => source?.stop(),
      release: () => source?.release(),
    };
  }

  private sessionHost(): SessionHost {
    return {
      topics: () => subscribedTopics(this.subscription ?? [], this.context.log),
      owned: () => this.fetcher.partitions(),
      revoke: async (partitions) => {
        if (partitions.length === 0) return;
        // Nothing more of them reaches the reader: only the batches it holds are waited for and committed.
        this.hold(partitions);
        const deadline = Date.now() + this.options['max.poll.interval.ms'];
        // Wait for batches in the reader's hands, as Kafka's rebalance timeout allows; none when nobody reads.
        while (this.reading && this.fetcher.inProcess(partitions) && Date.now() < deadline && !this.closed) {
          await Promise.race([this.fetcher.changed(), delay(50)]);
        }
        if (this.options['enable.auto.commit']) {
          const offsets = this.fetcher.consumedOffsets(partitions);
          if (offsets.length > 0) await this.session?.commit(offsets).catch(() => {});
        }
        await this.listener.onPartitionsRevoked?.(partitions);
        this.fetcher.remove(partitions);
      },
      lose: async (partitions) => {
        if (partitions.length === 0) return;
        this.fetcher.remove(partitions);
        await this.listener.onPartitionsRevoked?.(partitions);
      },
      assign: async (partitions) => {
        await this.startReading(partitions);
        if (!this.listener.onPartitionsAssigned) return;
        // As in Kafka, where callbacks run inside poll(): no record of them is read before the callback is done.
        this.hold(partitions);
        try {
          await this.listener.onPartitionsAssigned(partitions);
        } finally {
          this.unhold(partitions);
        }
      },
      failed: (error) => {
        this.failure = error;
      },
    };
  }

  /** Stops delivering `partitions` while a rebalance callback runs (their batches in process stay valid). */
  private hold(partitions: TopicPartition[]): void {
    for (const tp of partitions) this.fetcher.setPaused(tp.topic, tp.partition, true);
  }

  /** Ends a {@link hold}: delivery resumes, except for partitions the user paused. */
  private unhold(partitions: TopicPartition[]): void {
    for (const tp of partitions)
      if (!this.pausedKeys.has(tpKey(tp.topic, tp.partition)))
        this.fetcher.setPaused(tp.topic, tp.partition, false);
  }

  /** Adds partitions to the fetcher at their committed offsets (-1, reset by policy, when none or no group). */
  private async startReading(partitions: TopicPartition[]): Promise<void> {
    if (partitions.length === 0) return;
    let positions: TopicPartitionOffset[] = partitions.map((tp) => ({ ...tp, offset: -1 }));
    if (this.groupId) {
      const coordinator = await this.context.coordinator();
      const committed = await coordinator.fetchOffsets(this.groupId, partitions);
      const byKey = new Map(committed.map((c) => [tpKey(c.topic, c.partition), c.offset]));
      positions = partitions.map((tp) => ({ ...tp, offset: byKey.get(tpKey(tp.topic, tp.partition)) ?? -1 }));
    }
    this.fetcher.add(positions);
    for (const tp of partitions) {
      if (this.pausedKeys.has(tpKey(tp.topic, tp.partition)))
        this.fetcher.setPaused(tp.topic, tp.partition, true);
    }
  }

  private startAutoCommit(): void {
    if (!this.groupId || !this.options['enable.auto.commit'] || this.autoCommit) return;
    this.autoCommit = setInterval(() => {
      if (this.fetcher.consumedOffsets().length > 0) void this.commit().catch(() => {});
    }, this.options['auto.commit.interval.ms']);
    this.autoCommit.unref();
  }

  private expand(partitions: TopicPartitions[]): TopicPartition[] {
    const owned = this.fetcher.partitions();
    return partitions.flatMap(({ topic, partitions: list }) =>
      list ? list.map((partition) => ({ topic, partition })) : owned.filter((tp) => tp.topic === topic),
    );
  }

  private requireGroup(what: string): string {
    if (!this.groupId) throw new ConfigError(`${what}() needs a consumer with a groupId`, { key: 'groupId' });
    return this.groupId;
  }

  private assertOpen(): void {
    if (this.closed) throw new ClientStateError('CLIENT_CLOSED', 'the consumer is closed; create a new one');
  }
}
