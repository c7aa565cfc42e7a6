import { setTimeout as delay } from 'node:timers/promises';
import type { Producer, ProducerRecord, RecordMetadata, TopicMessages } from '../../client/index.js';
import { SluiceError } from '../../errors.js';
import { JsonConverter } from '../converters/json-converter.js';
import { StringConverter } from '../converters/string-converter.js';
import type { SourceRecord } from '../data/connect-record.js';
import { EndOfInputError, RetriableError } from '../errors.js';
import type { SourceTask } from '../source-task.js';
import type { SourceTaskContext } from '../task-context.js';
import { type ErrorStage, SKIPPED } from '../tolerance/index.js';
import { headersToBytes } from './headers.js';
import type { OffsetStore, SourceOffsetEntry } from './offset-store.js';
import { TaskRunner, type TaskRunnerDeps } from './task-runner.js';

/** Sends in flight at once: polling the next batch overlaps with the log making the previous one durable. */
const MAX_IN_FLIGHT = 4;
const RETRY_BACKOFF_MS = 1000;
/**
 * Bytes per producer batch: larger than a producer's default, since a source hands over thousands of records at a
 * time, but not much: records wait in the open batch as objects until it fills, and at 1 MB they waited long enough
 * to be promoted to the old generation (255 MB of 1M 10-column CSV rows promoted, against 11 MB at 256 KiB).
 */
const PRODUCER_BATCH_BYTES = 256 * 1024;

interface InFlight {
  /** Each record's metadata when the records are kept for `commitRecord`; otherwise nothing. */
  sent: Promise<RecordMetadata[] | undefined>;
  /** Records handed to the producer. */
  count: number;
  /** Set once `sent` settled, so that finished sends are collected without waiting on unfinished ones. */
  done: boolean;
  /** The last offset per source partition among this batch's records, processed in poll order. */
  offsets: Map<string, SourceOffsetEntry>;
  /** The records polled, as the task handed them out; kept only when the task wants `commitRecord` calls. */
  records: SourceRecord[];
  /**
   * Per record of `records`, the index of its own metadata in what `sent` resolves to, or -1 for a record a
   * transform or the error policy dropped. The producer answers in the order of the batches, one per topic, so a
   * poll that interleaves topics has its records' metadata in another order than the records.
   */
  slots: Int32Array;
}

/**
 * Runs one source task: poll, transform, convert, produce; commits the source offsets of records only once the
 * producer (acks=all) reported them durable, every `offset.flush.interval.ms` and on stop. After a crash, input
 * after the last committed offset is read again: at-least-once.
 */
export class SourceTaskRunner extends TaskRunner {
  private readonly inFlight: InFlight[] = [];
  /** Offsets whose records are durable, not yet written to the offset topic. */
  private readonly committable = new Map<string, SourceOffsetEntry>();
  private lastCommit = Date.now();
  /** Set by the task through its context: commit once everything sent is durable. */
  private commitRequested = false;

  constructor(
    deps: TaskRunnerDeps,
    private readonly offsets: OffsetStore,
  ) {
    super(deps);
  }

  protected async run(): Promise<boolean> {
    const { parsed, connector, taskId, client, worker } = this.deps;
    const task = parsed.definition.createTask() as SourceTask<unknown>;
    const context: SourceTaskContext = {
      connectorName: connector,
      taskId,
      logger: this.deps.logger,
      signal: this.controller.signal,
      offsetReader: { offset: async (partition) => this.offsets.get(connector, partition) },
      requestCommit: () => {
        this.commitRequested = true;
      },
      // Values go untouched to the JSON converter: a task may hand them as that converter's bytes.
      valueFormat:
        parsed.transforms.steps.length === 0 && parsed.valueConverter instanceof JsonConverter
          ? 'json'
          : undefined,
    };
    // Values go untouched to the string converter in UTF-8: a task may hand text as its bytes.
    if (
      parsed.transforms.steps.length === 0 &&
      parsed.valueConverter instanceof StringConverter &&
      parsed.valueConverter.utf8
    )
      context.textValuesAsBytes = true;
    const producer = client.producer({
      acks: 'all',
      'linger.ms': worker['producer.linger.ms'],
      'batch.size': PRODUCER_BATCH_BYTES,
    });
    let finished = false;
    try {
      await task.start(this.deps.taskConfig, context);
      this.setState(this.paused ? 'PAUSED' : 'RUNNING');
      /** Consecutive failed polls being retried. */
      let retries = 0;
      while (!this.stopping) {
        await this.waitWhilePaused();
        if (this.stopping) break;
        let records: SourceRecord[];
        try {
          records = await task.poll();
          retries = 0;
        } catch (err) {
          // By code as well as by class: a connector from a plugin module or package may throw the errors of
          // its own copy of sluice's classes.
          const code = (err as { code?: unknown } | null)?.code;
          if (err instanceof EndOfInputError || code === 'END_OF_INPUT') {
            this.reportProgress(task);
            finished = true;
            break;
          }
          if (
            (err instanceof SluiceError || typeof code === 'string') &&
            (err as { retriable?: unknown }).retriable === true
          ) {
            const wait = err instanceof RetriableError && err.delayMs > 0 ? err.delayMs : RETRY_BACKOFF_MS;
            // One line per retry (a missing table may be retried for a long time): the attempt, the wait, the cause.
            retries++;
            this.deps.logger.warn(
              { attempt: retries, retryInMs: wait, cause: (err as Error).message, code },
              `poll failed (attempt ${retries}), retrying in ${wait} ms: ${(err as Error).message}`,
            );
            await delay(wait, undefined, { signal: this.controller.signal }).catch(() => undefined);
            continue;
          }
          throw err;
        }
        if (records.length > 0) {
          this.reportProgress(task);
          this.deps.metrics.polled.inc(this.labels, records.length);
          await this.send(producer, records, task.commitRecord !== undefined);
        }
        // Idle: let everything sent become committable. Busy: keep a few sends in flight.
        await this.settle(task, records.length === 0 || this.commitRequested ? 0 : MAX_IN_FLIGHT);
        if (this.commitRequested) {
          // What the task waits for may have been committed already: it hears of the commit either way.
          this.commitRequested = false;
          await this.commit(task, true);
        } else if (Date.now() - this.lastCommit >= worker['offset.flush.interval.ms'])
          await this.commit(task);
      }
    } finally {
      // Graceful end: everything sent becomes durable and its offsets committed before the task stops.
      try {
        await this.settle(task, 0);
        await this.commit(task);
      } finally {
        await task.stop().catch((err) => this.deps.logger.warn({ err }, 'source task stop failed'));
        await producer.close().catch(() => undefined);
      }
    }
    return finished;
  }

  /** Puts what the task says of its progress through its input into the bytes gauges (once per poll). */
  private reportProgress(task: SourceTask<unknown>): void {
    const p = task.inputProgress?.();
    if (p === undefined) return;
    this.deps.metrics.bytesRead.set(this.labels, p.bytesRead);
    if (p.bytesTotal !== undefined) this.deps.metrics.bytesTotal.set(this.labels, p.bytesTotal);
    else this.deps.metrics.bytesTotal.remove(this.labels);
  }

  /** Transforms and converts a polled batch (under the error policy) and hands it to the producer. */
  private async send(producer: Producer, records: SourceRecord[], keepRecords: boolean): Promise<void> {
    const { parsed } = this.deps;
    const { keyConverter, valueConverter } = parsed;
    // An empty chain hands every record on unchanged: it costs nothing per record.
    const transforms = parsed.transforms.steps.length > 0 ? parsed.transforms : null;
    const batches: TopicMessages<Buffer | null, Buffer | null>[] = [];
    /** Topic → its batch's index in `batches`. */
    const batchIndex = new Map<string, number>();
    const offsets = new Map<string, SourceOffsetEntry>();
    // A record without a timestamp gets the time of the send, as the producer would give it.
    const now = Date.now();
    // Per polled record (when kept): its index within its topic's batch, and which batch (topic) that is.
    const slots = new Int32Array(keepRecords ? records.length : 0).fill(-1);
    const batchOf = keepRecords ? new Int32Array(records.length) : slots;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      // Only the last offset of each run of one partition matters (tasks usually reuse one partition object).
      if (records[i + 1]?.sourcePartition !== record.sourcePartition) {
        offsets.set(JSON.stringify(record.sourcePartition), {
          partition: record.sourcePartition,
          offset: record.sourceOffset,
        });
      }
      let t: SourceRecord | null = record;
      if (transforms !== null) {
        const tr = this.stage('TRANSFORMATION', 'transforms', record, () => transforms.apply(record));
        const r = tr instanceof Promise ? await tr : tr;
        if (r === SKIPPED || r === null) continue;
        t = r;
      }
      const converted = t;
      let key: Buffer | null | typeof SKIPPED;
      try {
        key = keyConverter.fromConnectData(t.topic, t.keySchema, t.key);
      } catch (err) {
        key = await this.recover('KEY_CONVERTER', this.keyConverterName, record, err, () =>
          keyConverter.fromConnectData(converted.topic, converted.keySchema, converted.key),
        );
      }
      if (key === SKIPPED) continue;
      let value: Buffer | null | typeof SKIPPED;
      try {
        value = valueConverter.fromConnectData(t.topic, t.valueSchema, t.value);
      } catch (err) {
        value = await this.recover('VALUE_CONVERTER', this.valueConverterName, record, err, () =>
          valueConverter.fromConnectData(converted.topic, converted.valueSchema, converted.value),
        );
      }
      if (value === SKIPPED) continue;
      // One literal with every field (unset ones undefined) is one allocation of one shape. A null key is passed
      // as undefined: the producer's unkeyed path is its fast one.
      const out: ProducerRecord<Buffer | null, Buffer | null> = {
        key: key === null ? undefined : key,
        value,
        headers: t.headers !== undefined && t.headers.length > 0 ? headersToBytes(t.headers) : undefined,
        timestamp: t.timestamp ?? now,
        partition: t.kafkaPartition ?? undefined,
      };
      let b = batchIndex.get(t.topic);
      if (b === undefined) {
        b = batches.push({ topic: t.topic, messages: [] }) - 1;
        batchIndex.set(t.topic, b);
      }
      const { messages } = batches[b]!;
      if (keepRecords) {
        slots[i] = messages.length;
        batchOf[i] = b;
      }
      messages.push(out);
    }
    if (keepRecords && batches.length > 1) {
      // Metadata comes batch after batch: a record's index is its batch's start plus its index within the batch.
      const starts = new Int32Array(batches.length);
      for (let b = 1; b < batches.length; b++) starts[b] = starts[b - 1]! + batches[b - 1]!.messages.length;
      for (let i = 0; i < slots.length; i++) if (slots[i]! >= 0) slots[i]! += starts[batchOf[i]!]!;
    }
    let count = 0;
    for (const b of batches) count += b.messages.length;
    // Metadata per record only for a task that hears of each record (commitRecord); others get the batch path.
    const sent: Promise<RecordMetadata[] | undefined> =
      batches.length === 0
        ? Promise.resolve([])
        : keepRecords
          ? producer.send(...batches)
          : producer.sendBatch(...batches).then(() => undefined);
    const entry: InFlight = { sent, count, done: false, offsets, records: keepRecords ? records : [], slots };
    // Also keeps an unobserved rejection from crashing the process before settle() awaits it.
    sent.then(
      () => (entry.done = true),
      () => (entry.done = true),
    );
    this.inFlight.push(entry);
  }

  private get keyConverterName(): string {
    return String(this.deps.parsed.raw['key.converter'] ?? this.deps.worker['key.converter']);
  }

  private get valueConverterName(): string {
    return String(this.deps.parsed.raw['value.converter'] ?? this.deps.worker['value.converter']);
  }

  /** Runs a synchronous stage; only a failure takes the (async) error-handling path. */
  private stage<T>(
    stage: ErrorStage,
    executing: string,
    record: SourceRecord,
    fn: () => T,
  ): T | Promise<T | typeof SKIPPED> {
    try {
      return fn();
    } catch (err) {
      return this.tolerance.execute(stage, executing, fn, { source: record }, err);
    }
  }

  /** The error policy for a converter that threw on `record`: retries `fn`, or skips, or fails the task. */
  private recover<T>(
    stage: ErrorStage,
    executing: string,
    record: SourceRecord,
    err: unknown,
    fn: () => T,
  ): Promise<T | typeof SKIPPED> {
    return this.tolerance.execute(stage, executing, fn, { source: record }, err);
  }

  /**
   * Collects finished sends in order and waits until at most `limit` remain in flight; the offsets of collected
   * sends become committable.
   */
  private async settle(task: SourceTask<unknown>, limit: number): Promise<void> {
    while (this.inFlight.length > limit || this.inFlight[0]?.done) {
      const head = this.inFlight[0]!;
      const metadata = await head.sent;
      this.inFlight.shift();
      for (const [k, v] of head.offsets) this.committable.set(k, v);
      this.deps.metrics.produced.inc(this.labels, head.count);
      if (task.commitRecord && metadata !== undefined) {
        // As Kafka's WorkerSourceTask: each record as polled, with its own send result; null when it was dropped.
        for (let i = 0; i < head.records.length; i++) {
          const slot = head.slots[i]!;
          await task.commitRecord(head.records[i]!, slot >= 0 ? metadata[slot]! : null);
        }
      }
    }
  }

  private async commit(task: SourceTask<unknown>, requested = false): Promise<void> {
    this.lastCommit = Date.now();
    if (this.committable.size === 0 && !requested) return;
    if (this.committable.size > 0) {
      const entries = [...this.committable.values()];
      this.committable.clear();
      await this.offsets.write(this.deps.connector, entries);
    }
    await task.commit?.();
  }
}
