import { randomUUID } from 'node:crypto';
import type { EachBatchPayload as KafkaJsBatchPayload, Consumer as KafkaJsConsumer } from 'kafkajs';
import type { Observable, ObservableInput } from 'rxjs';
import { ClientStateError, ConfigError, OffsetOutOfRangeError } from '../../errors.js';
import type { Consumer, RebalanceListener, RunOptions } from '../consumer.js';
import type { ResolvedConsumerOptions } from '../options.js';
import type { ConsumerBatch, TopicPartition, TopicPartitionOffset, TopicPartitions } from '../records.js';
import { BatchQueue, type HandoffResult, type Sink } from './batch-handoff.js';
import { decodeMessage } from './decode-message.js';
import { GroupRebalances } from './group-rebalances.js';
import type { KafkaAdmin } from './kafka-admin.js';
import { fixedAssigner, rangeAssigner } from './kafka-assigners.js';
import type { KafkaContext } from './kafka-context.js';
import { kafkaCall } from './kafka-errors.js';
import { observeBatches, runSink } from './read-styles.js';

const key = (topic: string, partition: number) => `${topic}\0${partition}`;

/**
 * A consumer over kafkajs. kafkajs's `eachBatch` (manual `resolveOffset`, auto-commit of resolved offsets only) is
 * the engine; each kafkajs batch is handed to the active way to read (iterator, run, observe) in chunks of
 * `max.poll.records`, and kafkajs waits until the reader is done with it, so a slow reader slows fetching.
 * {@link GroupRebalances} keeps the rebalance listener's promises and the session alive around that wait.
 * Manual assignment joins a private group (kafkajs reads only as a group member) that is deleted on close.
 */
export class KafkaConsumer<K, V> implements Consumer<K, V> {
  readonly groupId: string | undefined;
  private consumer: KafkaJsConsumer | null = null;
  private rebalances: GroupRebalances | null = null;
  private readonly pausedSet = new Map<string, TopicPartition>();
  private readonly processed = new Map<string, TopicPartitionOffset>();
  private readonly seeks = new Map<string, number>();
  private sink: Sink<K, V> | null = null;
  private sinkChanged: (() => void) | null = null;
  private queue: BatchQueue<K, V> | null = null;
  private running = false;
  private closed = false;
  private manualGroup: string | null = null;

  constructor(
    private readonly context: KafkaContext,
    private readonly admin: KafkaAdmin,
    private readonly options: ResolvedConsumerOptions<K, V>,
    private readonly onClose: () => void = () => {},
  ) {
    this.groupId = options.groupId;
  }

  async subscribe(
    topics: string | RegExp | (string | RegExp)[],
    listener?: RebalanceListener,
  ): Promise<void> {
    if (!this.groupId)
      throw new ConfigError('subscribe needs a groupId; use assign() to read without a group', {
        key: 'groupId',
      });
    const list = Array.isArray(topics) ? topics : [topics];
    for (const t of list)
      if (typeof t === 'string') await this.context.partitionsOf(t, this.options['allow.auto.create.topics']);
    await this.start(this.groupId, list, rangeAssigner, listener);
  }

  async assign(partitions: TopicPartition[]): Promise<void> {
    await this.shutdown();
    this.manualGroup = `sluice-manual-${randomUUID()}`;
    for (const tp of partitions) await this.context.partitionsOf(tp.topic, false);
    await this.start(
      this.manualGroup,
      [...new Set(partitions.map((p) => p.topic))],
      fixedAssigner(partitions),
    );
  }

  assignment(): TopicPartition[] {
    return this.rebalances?.assignment() ?? [];
  }

  seek(position: TopicPartitionOffset): void {
    const { topic, partition, offset } = position;
    if (!this.consumer || !this.owns(topic, partition)) {
      throw new ClientStateError(
        'NOT_ASSIGNED',
        `cannot seek ${topic}-${partition}: this consumer does not own it`,
      );
    }
    this.seeks.set(key(topic, partition), (this.seeks.get(key(topic, partition)) ?? 0) + 1);
    this.queue?.drop(topic, partition);
    this.consumer.seek({ topic, partition, offset: String(offset) });
  }

  pause(partitions: TopicPartitions[]): void {
    for (const tp of this.expand(partitions)) this.pausedSet.set(key(tp.topic, tp.partition), tp);
    this.consumer?.pause(partitions.map((p) => ({ topic: p.topic, partitions: p.partitions })));
  }

  resume(partitions: TopicPartitions[]): void {
    for (const tp of this.expand(partitions)) this.pausedSet.delete(key(tp.topic, tp.partition));
    this.consumer?.resume(partitions.map((p) => ({ topic: p.topic, partitions: p.partitions })));
  }

  paused(): TopicPartition[] {
    return [...this.pausedSet.values()].filter((tp) => this.owns(tp.topic, tp.partition));
  }

  async commit(offsets?: TopicPartitionOffset[]): Promise<void> {
    const groupId = this.groupId;
    if (!groupId)
      throw new ConfigError('commit needs a groupId; this consumer reads without a group', {
        key: 'groupId',
      });
    const list = offsets ?? [...this.processed.values()];
    for (const o of list) {
      const end = (await this.admin.partitionOffsets(o.topic)).find((p) => p.partition === o.partition);
      if (!end || o.offset > end.highWatermark || o.offset < 0) {
        throw new OffsetOutOfRangeError(
          o.topic,
          o.partition,
          o.offset,
          end?.logStartOffset ?? 0,
          end?.highWatermark ?? 0,
        );
      }
    }
    if (list.length === 0) return;
    const asStrings = list.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) }));
    if (this.consumer) {
      const consumer = this.consumer;
      await kafkaCall({ groupId }, () => consumer.commitOffsets(asStrings));
      return;
    }
    const kafkaAdmin = await this.context.admin();
    for (const topic of new Set(list.map((o) => o.topic))) {
      const partitions = asStrings
        .filter((o) => o.topic === topic)
        .map(({ partition, offset }) => ({ partition, offset }));
      await kafkaCall({ groupId, topic }, () => kafkaAdmin.setOffsets({ groupId, topic, partitions }));
    }
  }

  async committed(partitions?: TopicPartition[]): Promise<TopicPartitionOffset[]> {
    const groupId = this.groupId;
    if (!groupId) throw new ConfigError('committed needs a groupId', { key: 'groupId' });
    const wanted = partitions ?? this.assignment();
    const found = await this.admin.committedOffsets(groupId, [...new Set(wanted.map((p) => p.topic))]);
    return wanted.map((tp) => ({
      ...tp,
      offset: found.find((f) => f.topic === tp.topic && f.partition === tp.partition)?.offset ?? -1,
    }));
  }

  [Symbol.asyncIterator](): AsyncIterator<ConsumerBatch<K, V>> {
    const queue = new BatchQueue<K, V>();
    const uninstall = this.install(queue.sink);
    this.queue = queue;
    const finish = (processed: boolean) => {
      queue.stop(processed);
      uninstall();
      if (this.queue === queue) this.queue = null;
    };
    return {
      next: async () => {
        const result = await queue.next();
        if (result.done) finish(true);
        return result;
      },
      return: async () => {
        finish(false);
        return { done: true, value: undefined };
      },
    };
  }

  async run(options: RunOptions<K, V>): Promise<void> {
    if (!options.eachMessage === !options.eachBatch) {
      throw new ConfigError('run needs exactly one of eachMessage and eachBatch', { key: 'eachMessage' });
    }
    let installed = true;
    const uninstall = this.install(
      runSink(options, {
        heartbeat: async () => {},
        pause: (topic, partition) => {
          this.pause([{ topic, partitions: [partition] }]);
          return () => this.resume([{ topic, partitions: [partition] }]);
        },
        isRunning: () => installed && !this.closed,
        isStale: (topic, partition) => !this.owns(topic, partition),
      }),
    );
    this.stopActive = () => {
      installed = false;
      uninstall();
    };
  }

  observe(): Observable<ConsumerBatch<K, V>>;
  observe<R>(project: (batch: ConsumerBatch<K, V>) => ObservableInput<R>): Observable<R>;
  observe<R>(project?: (batch: ConsumerBatch<K, V>) => ObservableInput<R>): Observable<unknown> {
    return observeBatches<K, V, R>((sink) => this.install(sink), project);
  }

  private stopActive: () => void = () => {};

  async stop(): Promise<void> {
    this.queue?.stop(true);
    this.stopActive();
    this.stopActive = () => {};
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.stop();
    this.closed = true;
    await this.shutdown();
    this.onClose();
  }

  /** Makes `sink` the active way to read; returns its removal. */
  private install(sink: Sink<K, V>): () => void {
    if (this.closed) throw new ClientStateError('CLIENT_CLOSED', 'the consumer is closed; create a new one');
    if (this.sink)
      throw new ClientStateError(
        'READ_IN_PROGRESS',
        'another read (iterator, run or observe) is active; stop() it first',
      );
    this.sink = sink;
    this.sinkChanged?.();
    return () => {
      if (this.sink === sink) this.sink = null;
    };
  }

  private async start(
    groupId: string,
    topics: (string | RegExp)[],
    assigner: typeof rangeAssigner,
    listener?: RebalanceListener,
  ): Promise<void> {
    if (this.closed) throw new ClientStateError('CLIENT_CLOSED', 'the consumer is closed; create a new one');
    const o = this.options;
    const consumer = this.context.kafka.consumer({
      groupId,
      partitionAssigners: [assigner],
      sessionTimeout: o['session.timeout.ms'],
      heartbeatInterval: o['heartbeat.interval.ms'],
      rebalanceTimeout: o['max.poll.interval.ms'],
      maxWaitTimeInMs: o['fetch.max.wait.ms'],
      minBytes: o['fetch.min.bytes'],
      maxBytesPerPartition: o['max.partition.fetch.bytes'],
      allowAutoTopicCreation: o['allow.auto.create.topics'],
      readUncommitted: o['isolation.level'] === 'read_uncommitted',
      retry: { retries: 5 },
    });
    this.consumer = consumer;
    const rebalances = new GroupRebalances({
      listener,
      withdrawQueued: () => this.queue?.withdrawAll(),
      commitProcessed: (partitions) => this.commitProcessed(partitions),
      heartbeatMs: o['heartbeat.interval.ms'],
    });
    this.rebalances = rebalances;
    const joined = new Promise<void>((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        rebalances.assigned(
          Object.entries(payload.memberAssignment).flatMap(([topic, ps]) =>
            (ps as number[]).map((partition) => ({ topic, partition })),
          ),
        );
        const stillPaused = this.paused();
        if (stillPaused.length > 0)
          consumer.pause(stillPaused.map((tp) => ({ topic: tp.topic, partitions: [tp.partition] })));
        resolve();
      });
    });
    // kafkajs stopped its batch handlers and rejoins now; usually a handler's heartbeat revoked already.
    consumer.on(consumer.events.REBALANCING, () => void rebalances.revoke());
    await kafkaCall({ groupId }, () => consumer.connect());
    await kafkaCall({ groupId, topic: String(topics[0]) }, () =>
      consumer.subscribe({ topics, fromBeginning: o['auto.offset.reset'] === 'earliest' }),
    );
    this.running = true;
    await consumer.run({
      autoCommit: Boolean(this.groupId) && o['enable.auto.commit'],
      autoCommitInterval: o['auto.commit.interval.ms'],
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 4,
      eachBatch: (payload) => this.handle(payload),
    });
    await joined;
  }

  /**
   * One kafkajs batch: decoded, cut to `max.poll.records`, each chunk handed to the reader and resolved as far as
   * processed. Nothing is handed over while partitions are being revoked or the listener is not done with the
   * assignment; a rejoin error from a heartbeat is rethrown (after the revocation) so kafkajs rejoins at once.
   */
  private async handle(payload: KafkaJsBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    const rebalances = this.rebalances as GroupRebalances;
    const seekMark = this.seeks.get(key(topic, partition)) ?? 0;
    const records = batch.messages.map((m) => decodeMessage(topic, partition, m, this.options));
    const max = this.options['max.poll.records'];
    let rejoin: unknown;
    for (let at = 0; at < records.length; at += max) {
      const chunk = records.slice(at, at + max);
      const first = chunk[0].offset;
      let result: HandoffResult = first;
      while (this.running && isRunning() && !isStale() && rebalances.delivering) {
        if (this.pausedSet.has(key(topic, partition))) break;
        await rebalances.ready(heartbeat);
        const sink = this.sink;
        if (sink && rebalances.delivering) {
          const handed = { topic, partition, records: chunk, highWatermark: Number(batch.highWatermark) };
          result = await rebalances.handOver(
            () => sink(handed),
            heartbeat,
            (error) => {
              rejoin = error;
            },
          );
          break;
        }
        await new Promise<void>((resolve) => {
          this.sinkChanged = resolve;
          setTimeout(resolve, 1000);
        });
        await rebalances.beat(heartbeat);
      }
      if (result === 'dropped' || (this.seeks.get(key(topic, partition)) ?? 0) !== seekMark) break;
      if (result > first) {
        resolveOffset(String(result - 1));
        this.processed.set(key(topic, partition), { topic, partition, offset: result });
      }
      if (result <= chunk[chunk.length - 1].offset) {
        // Read on from the first record not processed; after a revocation the next owner starts from the commit.
        if (this.running && this.consumer && rebalances.delivering)
          this.consumer.seek({ topic, partition, offset: String(result) });
        break;
      }
      if (rejoin === undefined) await rebalances.beat(heartbeat);
    }
    if (rejoin !== undefined) {
      await rebalances.revoke();
      throw rejoin;
    }
    // Revoked, and kafkajs has not noticed yet: it rejoins once a handler throws a heartbeat's rejoin error.
    await rebalances.untilRejoin(heartbeat, () => this.running && isRunning());
  }

  /** Auto-commit: the processed offsets of `partitions`, committed before they are revoked. */
  private async commitProcessed(partitions: TopicPartition[]): Promise<void> {
    const consumer = this.consumer;
    if (!consumer || !this.groupId || !this.options['enable.auto.commit']) return;
    const offsets = partitions
      .map((tp) => this.processed.get(key(tp.topic, tp.partition)))
      .filter((o) => o !== undefined)
      .map((o) => ({ ...o, offset: String(o.offset) }));
    if (offsets.length > 0) await consumer.commitOffsets(offsets);
  }

  private async shutdown(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    this.running = false;
    this.sinkChanged?.();
    if (consumer) {
      if (this.groupId && this.options['enable.auto.commit'] && this.processed.size > 0) {
        const offsets = [...this.processed.values()].map((o) => ({ ...o, offset: String(o.offset) }));
        await consumer.commitOffsets(offsets).catch(() => {});
      }
      await consumer.disconnect();
    }
    this.rebalances = null;
    const manual = this.manualGroup;
    this.manualGroup = null;
    if (manual) await this.admin.deleteGroups([manual]).catch(() => {});
  }

  private owns(topic: string, partition: number): boolean {
    return this.assignment().some((tp) => tp.topic === topic && tp.partition === partition);
  }

  private expand(partitions: TopicPartitions[]): TopicPartition[] {
    return partitions.flatMap((p) =>
      p.partitions
        ? p.partitions.map((partition) => ({ topic: p.topic, partition }))
        : this.assignment().filter((tp) => tp.topic === p.topic),
    );
  }
}
