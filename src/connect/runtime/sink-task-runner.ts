import { setTimeout as delay } from 'node:timers/promises';
import type { Consumer, ConsumerBatch, TopicPartition, TopicPartitionOffset } from '../../client/index.js';
import { SluiceError } from '../../errors.js';
import type { SchemaAndValue } from '../converters/converter.js';
import { StringConverter } from '../converters/string-converter.js';
import type { SinkRecord } from '../data/connect-record.js';
import { Schemas } from '../data/schema.js';
import { RetriableError } from '../errors.js';
import type { SinkTask } from '../sink-task.js';
import type { SinkTaskContext } from '../task-context.js';
import { type ConsumedRecord, type ErrorStage, SKIPPED } from '../tolerance/index.js';
import { headersFromBytes } from './headers.js';
import { Lock } from './lock.js';
import { TaskRunner } from './task-runner.js';

const RETRY_BACKOFF_MS = 1000;
/**
 * A sink reads a partition 256 KiB at a time and puts all of a fetch at once (for records of 26 bytes or more):
 * with the consumer's defaults (1 MiB, 500 records a put) the records of a fetch waited through many puts, long
 * enough to be promoted out of the young generation. In the connect benchmark (100 B lines) the worker's CPU on
 * threads other than its main one, mostly the garbage collector's, fell from about 1.1-1.6 to 0.8-1.0 µs a line.
 */
const FETCH_BYTES = 256 * 1024;
const POLL_RECORDS = 10_000;

const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * `promise`'s value, or null once `signal` aborts, leaving no listener behind. (A `Promise.race` against one
 * long-lived "aborted" promise would pile a reaction per call onto it, each holding its batch: a leak of every
 * record read.)
 */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | null> {
  if (signal.aborted) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Runs one sink task as a member of the consumer group `connect-<connector>`: converts and transforms each batch,
 * hands it to `put`, and every `offset.flush.interval.ms` (and before partitions are revoked, and on stop) calls
 * `flush` and only then commits the offsets of everything put. After a crash, records after the last commit are
 * delivered again: at-least-once.
 */
export class SinkTaskRunner extends TaskRunner {
  private consumer: Consumer | undefined;
  private task: SinkTask<unknown> | undefined;
  private readonly lock = new Lock();
  /** Next offset to read per partition, for everything handed to put. */
  private readonly consumed = new Map<string, TopicPartitionOffset>();
  private dirty = false;
  private commitRequested = false;

  get groupId(): string {
    return `connect-${this.deps.connector}`;
  }

  protected async run(): Promise<boolean> {
    const { parsed, connector, taskId, client, worker } = this.deps;
    const consumer = client.consumer({
      groupId: this.groupId,
      'enable.auto.commit': false,
      'auto.offset.reset': 'earliest',
      'allow.auto.create.topics': true,
      'max.partition.fetch.bytes': FETCH_BYTES,
      'max.poll.records': POLL_RECORDS,
    });
    this.consumer = consumer;
    const task = parsed.definition.createTask() as SinkTask<unknown>;
    this.task = task;
    const context: SinkTaskContext = {
      connectorName: connector,
      taskId,
      logger: this.deps.logger,
      signal: this.controller.signal,
      assignment: () => consumer.assignment(),
      seek: (tp, offset) => consumer.seek({ ...tp, offset }),
      pause: (tps) => consumer.pause(tps.map((tp) => ({ topic: tp.topic, partitions: [tp.partition] }))),
      resume: (tps) => consumer.resume(tps.map((tp) => ({ topic: tp.topic, partitions: [tp.partition] }))),
      requestCommit: () => {
        this.commitRequested = true;
      },
    };
    const stopConsumer = () => void consumer.stop().catch(() => undefined);
    this.controller.signal.addEventListener('abort', stopConsumer);
    const timer = setInterval(() => {
      if (this.dirty && !this.stopping)
        void this.lock.run(() => this.flushAndCommit(true)).catch(() => undefined);
    }, worker['offset.flush.interval.ms']);
    try {
      await task.start(this.deps.taskConfig, context);
      const c = parsed.common;
      const topics = c['topics.regex'] ? new RegExp(c['topics.regex']) : (c.topics ?? []);
      await consumer.subscribe(topics, {
        onPartitionsAssigned: async (tps) => {
          await task.open?.(tps);
        },
        onPartitionsRevoked: (tps) =>
          this.lock.run(async () => {
            await this.flushAndCommit();
            for (const tp of tps) this.consumed.delete(tpKey(tp.topic, tp.partition));
            await task.close?.(tps);
          }),
      });
      this.setState(this.paused ? 'PAUSED' : 'RUNNING');
      if (this.paused) this.pauseConsumer();
      if (this.stopping) return false;
      // The loop also ends on the stop signal itself, not only when the consumer's iterator notices the stop.
      const batches = consumer[Symbol.asyncIterator]();
      while (!this.stopping) {
        const next = await unlessAborted(batches.next(), this.controller.signal);
        if (next === null || next.done) break;
        await this.lock.run(() => this.deliver(next.value));
        if (this.commitRequested) {
          this.commitRequested = false;
          await this.lock.run(() => this.flushAndCommit());
        }
      }
    } finally {
      clearInterval(timer);
      this.controller.signal.removeEventListener('abort', stopConsumer);
      try {
        await this.lock.run(() => this.flushAndCommit());
      } finally {
        await task.stop().catch((err) => this.deps.logger.warn({ err }, 'sink task stop failed'));
        await consumer.close().catch(() => undefined);
      }
    }
    return false;
  }

  override pause(): void {
    super.pause();
    this.pauseConsumer();
  }

  override resume(): void {
    super.resume();
    const assigned = this.consumer?.assignment() ?? [];
    this.consumer?.resume(assigned.map((tp) => ({ topic: tp.topic, partitions: [tp.partition] })));
  }

  private pauseConsumer(): void {
    const assigned = this.consumer?.assignment() ?? [];
    this.consumer?.pause(assigned.map((tp) => ({ topic: tp.topic, partitions: [tp.partition] })));
  }

  private async deliver(batch: ConsumerBatch<Buffer | null, Buffer | null>): Promise<void> {
    const { parsed } = this.deps;
    this.deps.metrics.read.inc(this.labels, batch.records.length);
    const records: SinkRecord[] = [];
    const raws: ConsumedRecord[] = [];
    const { keyConverter, valueConverter } = parsed;
    // An empty chain hands every record on unchanged: it costs nothing per record.
    const transforms = parsed.transforms.steps.length > 0 ? parsed.transforms : null;
    // A task that takes text as bytes gets the bytes the string converter would decode (see SinkTask).
    const textBytes =
      transforms === null &&
      this.task?.takesTextBytes === true &&
      valueConverter instanceof StringConverter &&
      valueConverter.utf8;
    for (const m of batch.records) {
      const raw: ConsumedRecord = m;
      let key: SchemaAndValue | typeof SKIPPED;
      try {
        key = keyConverter.toConnectData(m.topic, m.key);
      } catch (err) {
        key = await this.recover('KEY_CONVERTER', raw, err, () => keyConverter.toConnectData(m.topic, m.key));
      }
      if (key === SKIPPED) continue;
      let value: SchemaAndValue | typeof SKIPPED;
      if (textBytes) value = { schema: Schemas.OPTIONAL_STRING, value: m.value };
      else {
        try {
          value = valueConverter.toConnectData(m.topic, m.value);
        } catch (err) {
          value = await this.recover('VALUE_CONVERTER', raw, err, () =>
            valueConverter.toConnectData(m.topic, m.value),
          );
        }
        if (value === SKIPPED) continue;
      }
      const record: SinkRecord = {
        topic: m.topic,
        kafkaPartition: m.partition,
        kafkaOffset: m.offset,
        timestamp: m.timestamp,
        keySchema: key.schema,
        key: key.value,
        valueSchema: value.schema,
        value: value.value,
        headers: m.headers.length > 0 ? headersFromBytes(m.headers) : [],
      };
      let transformed: SinkRecord | null = record;
      if (transforms !== null) {
        let r: SinkRecord | null | typeof SKIPPED;
        try {
          r = transforms.apply(record);
        } catch (err) {
          r = await this.recover('TRANSFORMATION', raw, err, () => transforms.apply(record));
        }
        if (r === SKIPPED || r === null) continue;
        transformed = r;
      }
      records.push(transformed);
      raws.push(raw);
    }
    if (records.length > 0) await this.put(records, raws);
    const last = batch.records[batch.records.length - 1]!;
    this.consumed.set(tpKey(batch.topic, batch.partition), {
      topic: batch.topic,
      partition: batch.partition,
      offset: last.offset + 1,
    });
    this.dirty = true;
  }

  /** The error policy for a stage that threw on `consumed`: retries `fn`, or skips, or fails the task. */
  private recover<T>(
    stage: ErrorStage,
    consumed: ConsumedRecord,
    err: unknown,
    fn: () => T,
  ): Promise<T | typeof SKIPPED> {
    return this.tolerance.execute(
      stage,
      stage === 'TRANSFORMATION' ? 'transforms' : stage.toLowerCase(),
      fn,
      { consumed },
      err,
    );
  }

  /**
   * `put` with Kafka's semantics: a retriable error redelivers the same batch after a pause; another error fails
   * the task, unless errors.tolerance=all, where the batch is put again record by record so that only the bad
   * records are skipped (and dead-lettered).
   */
  private async put(records: SinkRecord[], raws: ConsumedRecord[]): Promise<void> {
    const task = this.task!;
    for (;;) {
      try {
        await task.put(records);
        this.deps.metrics.written.inc(this.labels, records.length);
        return;
      } catch (err) {
        if (err instanceof SluiceError && err.retriable && !this.stopping) {
          const wait = err instanceof RetriableError && err.delayMs > 0 ? err.delayMs : RETRY_BACKOFF_MS;
          await delay(wait, undefined, { signal: this.controller.signal }).catch(() => undefined);
          continue;
        }
        if (!this.tolerance.toleratesAll || records.length === 1) {
          await this.tolerance.execute(
            'TASK_PUT',
            'put',
            () => task.put(records),
            { consumed: raws[0]! },
            err,
          );
          return;
        }
        break;
      }
    }
    for (let i = 0; i < records.length; i++) {
      const result = await this.tolerance.execute('TASK_PUT', 'put', () => task.put([records[i]!]), {
        consumed: raws[i]!,
      });
      if (result !== SKIPPED) this.deps.metrics.written.inc(this.labels);
    }
  }

  /**
   * Flushes the task, then commits what it flushed. Runs under the lock. The periodic commit (`background`) asks a
   * task with `preCommit` what is durable instead, and stays dirty until everything put has been committed.
   */
  private async flushAndCommit(background = false): Promise<void> {
    const task = this.task;
    if (!this.dirty || !task || !this.consumer) return;
    const offsets = [...this.consumed.values()];
    this.dirty = false;
    let durable = offsets;
    if (background && task.preCommit) {
      durable = await task.preCommit(offsets);
      const covered = new Map(durable.map((o) => [tpKey(o.topic, o.partition), o.offset]));
      if (offsets.some((o) => (covered.get(tpKey(o.topic, o.partition)) ?? -1) < o.offset)) this.dirty = true;
      if (durable.length === 0) return;
    } else await task.flush(offsets);
    try {
      await this.consumer.commit(durable);
    } catch (err) {
      // A rebalance fenced this member: the records are flushed and will be delivered again to the new owner.
      this.deps.logger.warn({ err }, `commit of ${this.groupId} failed: ${(err as Error).message}`);
    }
  }

  override commitNow(): Promise<void> {
    if (!this.dirty || this.stopping) return Promise.resolve();
    return this.lock.run(() => this.flushAndCommit());
  }

  /** Partitions currently assigned, for status. */
  assignment(): TopicPartition[] {
    return this.consumer?.assignment() ?? [];
  }
}
