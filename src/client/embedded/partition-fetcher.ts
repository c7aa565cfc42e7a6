import { setTimeout as delay } from 'node:timers/promises';
import { BadInputError, NoOffsetError, OffsetOutOfRangeError, SluiceError } from '../../errors.js';
import type { IsolationLevel, LogRecord } from '../../log/types.js';
import type { ConsumerBatch, ConsumerRecord, TopicPartition, TopicPartitionOffset } from '../records.js';
import type { Serde } from '../serde.js';
import type { EmbeddedLog } from './embedded-log.js';

export interface FetcherSettings<K, V> {
  maxWaitMs: number;
  minBytes: number;
  maxPartitionBytes: number;
  maxPollRecords: number;
  autoOffsetReset: 'earliest' | 'latest' | 'none';
  isolationLevel: IsolationLevel;
  keySerde: Serde<K>;
  valueSerde: Serde<V>;
}

interface PartitionState {
  readonly tp: TopicPartition;
  readonly key: string;
  /** The next offset to fetch. */
  position: number;
  /** Fetched records not yet delivered, from `cursor` on: at most one fetch result per partition. */
  chunk: LogRecord[] | null;
  cursor: number;
  highWatermark: number;
  fetch: AbortController | null;
  /** A delivered batch is being processed: the partition delivers nothing else until it is. */
  delivered: boolean;
  /** The first offset of the batch being processed. */
  deliveredFrom: number;
  paused: boolean;
  /** Bumped by seek and removal, so results and acknowledgements of an older position are ignored. */
  epoch: number;
}

interface Delivery {
  key: string;
  epoch: number;
  lastOffset: number;
}

export const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * The read side of a consumer: long-polls the log for every assigned partition and hands out batches with flow
 * control. A partition is fetched only when its previous fetch result was fully delivered, and delivers its next
 * batch only once the previous one was acknowledged with {@link PartitionFetcher.processed}; so each partition
 * holds at most one fetch result plus the batch being processed, however slow the reader is.
 */
export class PartitionFetcher<K, V> {
  private readonly states = new Map<string, PartitionState>();
  private readonly deliveries = new WeakMap<ConsumerBatch<K, V>, Delivery>();
  /** Processed positions (next offset to read) not yet committed. */
  private readonly consumed = new Map<string, TopicPartitionOffset>();
  private errors: unknown[] = [];
  private rr = 0;
  private stopped = false;
  /** Counts stops, so a `next()` pending across a stop and a restart still ends. */
  private stops = 0;
  private signal: { promise: Promise<void>; wake: () => void } = newSignal();

  constructor(
    private readonly log: EmbeddedLog,
    private readonly settings: FetcherSettings<K, V>,
  ) {}

  /** Starts reading `partitions` at the given offsets (-1: by `auto.offset.reset`). Already-held ones are moved. */
  add(partitions: TopicPartitionOffset[]): void {
    for (const { topic, partition, offset } of partitions) {
      const key = tpKey(topic, partition);
      const existing = this.states.get(key);
      const state: PartitionState = existing ?? {
        tp: { topic, partition },
        key,
        position: offset,
        chunk: null,
        cursor: 0,
        highWatermark: 0,
        fetch: null,
        delivered: false,
        deliveredFrom: -1,
        paused: false,
        epoch: 0,
      };
      this.states.set(key, state);
      this.reposition(state, offset);
    }
    this.notify();
  }

  /** Stops reading `partitions`; their undelivered records are dropped and late acknowledgements ignored. */
  remove(partitions: TopicPartition[]): void {
    for (const { topic, partition } of partitions) {
      const key = tpKey(topic, partition);
      const state = this.states.get(key);
      if (!state) continue;
      state.epoch++;
      state.fetch?.abort();
      this.states.delete(key);
      this.consumed.delete(key);
    }
    this.notify();
  }

  /**
   * The offset of the next record to deliver: the first undelivered fetched one, else where the next fetch
   * starts (past markers and skipped records a fetch found nothing to deliver in). -1 when not assigned.
   */
  position(topic: string, partition: number): number {
    const state = this.states.get(tpKey(topic, partition));
    if (!state) return -1;
    if (state.chunk && state.cursor < state.chunk.length) return state.chunk[state.cursor].offset;
    return state.position;
  }

  has(topic: string, partition: number): boolean {
    return this.states.has(tpKey(topic, partition));
  }

  partitions(): TopicPartition[] {
    return [...this.states.values()].map((s) => s.tp);
  }

  /** Moves the next read to `offset`; a fetched or delivered batch of the partition no longer counts. */
  seek(topic: string, partition: number, offset: number): boolean {
    const state = this.states.get(tpKey(topic, partition));
    if (!state) return false;
    this.reposition(state, offset);
    this.notify();
    return true;
  }

  setPaused(topic: string, partition: number, paused: boolean): void {
    const state = this.states.get(tpKey(topic, partition));
    if (!state || state.paused === paused) return;
    state.paused = paused;
    if (paused) {
      // A fetch in flight is dropped; a fetched chunk is kept, and delivered from where it was on resume (a
      // streams task pauses and resumes a partition often, and fetching and decoding the chunk again would cost
      // more than keeping it). A batch being processed stays valid: its acknowledgement still counts, and
      // repositions the partition when it stops short.
      state.fetch?.abort();
      state.fetch = null;
    }
    this.notify();
  }

  paused(): TopicPartition[] {
    return [...this.states.values()].filter((s) => s.paused).map((s) => s.tp);
  }

  /**
   * The next batch from any assigned, unpaused partition whose previous batch was processed, round-robin over
   * partitions; waits (fetching) when there is none. Resolves null once stopped. Throws a fetch error (an offset
   * out of range with `auto.offset.reset=none`, a record its serde refuses) once, to the first caller.
   */
  async next(): Promise<ConsumerBatch<K, V> | null> {
    // A stop ends this call even when a new reader restarts the fetcher before the call wakes up.
    const stops = this.stops;
    for (;;) {
      if (this.stopped || this.stops !== stops) return null;
      const error = this.errors.shift();
      if (error !== undefined) throw error;
      const batch = this.take();
      if (batch) return batch;
      this.startFetches();
      await this.signal.promise;
    }
  }

  /**
   * Acknowledges a delivered batch: records up to `upTo` (default: all) are processed and become committable;
   * when `upTo` stops short, the rest is delivered again.
   */
  processed(batch: ConsumerBatch<K, V>, upTo?: number): void {
    const delivery = this.deliveries.get(batch);
    if (!delivery) return;
    this.deliveries.delete(batch);
    const state = this.states.get(delivery.key);
    if (!state || state.epoch !== delivery.epoch) return;
    state.delivered = false;
    const last = upTo === undefined ? delivery.lastOffset : Math.min(upTo, delivery.lastOffset);
    if (last >= batch.records[0].offset) {
      this.consumed.set(delivery.key, { topic: batch.topic, partition: batch.partition, offset: last + 1 });
    }
    if (last < delivery.lastOffset) this.reposition(state, last + 1);
    this.notify();
  }

  /** True when `batch` no longer counts: its partition was revoked or moved by a seek since it was delivered. */
  isStale(batch: ConsumerBatch<K, V>): boolean {
    const delivery = this.deliveries.get(batch);
    const state = delivery && this.states.get(delivery.key);
    return !state || state.epoch !== delivery.epoch;
  }

  /** Hands back every batch still being processed (its reader went away): they are delivered again. */
  abandonDeliveries(): void {
    for (const state of this.states.values())
      if (state.delivered) this.reposition(state, state.deliveredFrom);
    this.notify();
  }

  /** True while a batch of one of `partitions` is delivered and not yet processed. */
  inProcess(partitions: TopicPartition[]): boolean {
    return partitions.some((tp) => this.states.get(tpKey(tp.topic, tp.partition))?.delivered === true);
  }

  /** Resolves at the next change: a fetch result, an acknowledgement, an assignment change. */
  changed(): Promise<void> {
    return this.signal.promise;
  }

  /** Processed positions of `partitions` (default all); cleared by {@link PartitionFetcher.committed}. */
  consumedOffsets(partitions?: TopicPartition[]): TopicPartitionOffset[] {
    if (!partitions) return [...this.consumed.values()];
    const out: TopicPartitionOffset[] = [];
    for (const tp of partitions) {
      const offset = this.consumed.get(tpKey(tp.topic, tp.partition));
      if (offset) out.push(offset);
    }
    return out;
  }

  /** Forgets consumed positions that were committed (unless a later one replaced them meanwhile). */
  committed(offsets: TopicPartitionOffset[]): void {
    for (const o of offsets) {
      const key = tpKey(o.topic, o.partition);
      if (this.consumed.get(key)?.offset === o.offset) this.consumed.delete(key);
    }
  }

  /** Ends every pending and later {@link PartitionFetcher.next} with null, until {@link PartitionFetcher.restart}. */
  stop(): void {
    this.stopped = true;
    this.stops++;
    for (const state of this.states.values()) {
      state.fetch?.abort();
      state.fetch = null;
    }
    this.notify();
  }

  restart(): void {
    this.stopped = false;
  }

  private take(): ConsumerBatch<K, V> | null {
    const states = [...this.states.values()];
    for (let i = 0; i < states.length; i++) {
      const state = states[(this.rr + i) % states.length];
      if (state.delivered || state.paused || !state.chunk) continue;
      this.rr = (this.rr + i + 1) % states.length;
      return this.deliver(state, state.chunk);
    }
    return null;
  }

  private deliver(state: PartitionState, chunk: LogRecord[]): ConsumerBatch<K, V> {
    const end = Math.min(chunk.length, state.cursor + this.settings.maxPollRecords);
    const { topic, partition } = state.tp;
    const { keySerde, valueSerde } = this.settings;
    const records: ConsumerRecord<K, V>[] = new Array(end - state.cursor);
    for (let i = state.cursor; i < end; i++) {
      const r = chunk[i];
      let key: K;
      let value: V;
      try {
        key = keySerde.deserialize(r.key, topic);
        value = valueSerde.deserialize(r.value, topic);
      } catch (cause) {
        // Deliver what decoded; the bad record stays next, so the reader sees this error and may seek past it.
        if (i === state.cursor) {
          this.reposition(state, r.offset);
          throw new BadInputError(
            `record ${topic}-${partition}@${r.offset} cannot be deserialized (${(cause as Error).message}); seek past offset ${r.offset} to skip it`,
            { cause },
          );
        }
        records.length = i - state.cursor;
        break;
      }
      records[i - state.cursor] = {
        topic,
        partition,
        offset: r.offset,
        timestamp: r.timestamp,
        key,
        value,
        headers: r.headers,
      };
    }
    state.cursor += records.length;
    if (state.cursor >= chunk.length) state.chunk = null;
    const batch: ConsumerBatch<K, V> = { topic, partition, records, highWatermark: state.highWatermark };
    state.delivered = true;
    state.deliveredFrom = records[0].offset;
    this.deliveries.set(batch, {
      key: state.key,
      epoch: state.epoch,
      lastOffset: records[records.length - 1].offset,
    });
    if (!state.chunk) this.startFetch(state);
    return batch;
  }

  private reposition(state: PartitionState, offset: number): void {
    state.epoch++;
    state.fetch?.abort();
    state.fetch = null;
    state.chunk = null;
    state.cursor = 0;
    state.delivered = false;
    state.position = offset;
  }

  private startFetches(): void {
    for (const state of this.states.values()) this.startFetch(state);
  }

  private startFetch(state: PartitionState): void {
    if (this.stopped || state.fetch || state.chunk || state.paused) return;
    const controller = new AbortController();
    state.fetch = controller;
    void this.fetch(state, state.epoch, controller);
  }

  private async fetch(state: PartitionState, epoch: number, controller: AbortController): Promise<void> {
    const { topic, partition } = state.tp;
    try {
      if (state.position < 0) state.position = await this.resetPosition(state, null);
      const result = await this.log.readRecords(topic, partition, state.position, {
        maxBytes: this.settings.maxPartitionBytes,
        maxWaitMs: this.settings.maxWaitMs,
        minBytes: this.settings.minBytes,
        signal: controller.signal,
        isolationLevel: this.settings.isolationLevel,
      });
      if (state.epoch !== epoch || controller.signal.aborted) return;
      state.highWatermark = result.highWatermark;
      let first = 0;
      while (first < result.records.length && result.records[first].offset < state.position) first++;
      if (first < result.records.length) {
        state.chunk = result.records;
        state.cursor = first;
        state.position = result.records[result.records.length - 1].offset + 1;
      } else {
        // Nothing new within the long poll, or only compacted-away or control records before nextOffset.
        state.position = Math.max(state.position, result.nextOffset);
        if (this.settings.maxWaitMs === 0) await delay(10);
      }
    } catch (error) {
      if (state.epoch !== epoch || controller.signal.aborted) return;
      if (error instanceof OffsetOutOfRangeError) {
        try {
          state.position = await this.resetPosition(state, error);
        } catch (resetError) {
          this.errors.push(resetError);
        }
      } else {
        this.errors.push(error);
        if (error instanceof SluiceError && error.retriable) await delay(100);
      }
    } finally {
      if (state.fetch === controller) state.fetch = null;
      this.notify();
    }
  }

  /** Where to start when there is no valid position: by `auto.offset.reset`, or an error when it is `none`. */
  private async resetPosition(state: PartitionState, cause: OffsetOutOfRangeError | null): Promise<number> {
    const { topic, partition } = state.tp;
    const { logStartOffset, highWatermark, lastStableOffset } = await this.log.offsets(topic, partition);
    if (this.settings.autoOffsetReset === 'earliest') return logStartOffset;
    if (this.settings.autoOffsetReset === 'latest') {
      return this.settings.isolationLevel === 'read_committed'
        ? (lastStableOffset ?? highWatermark)
        : highWatermark;
    }
    throw cause ?? new NoOffsetError(topic, partition);
  }

  private notify(): void {
    const { wake } = this.signal;
    this.signal = newSignal();
    wake();
  }
}

function newSignal(): { promise: Promise<void>; wake: () => void } {
  let wake!: () => void;
  const promise = new Promise<void>((resolve) => {
    wake = resolve;
  });
  return { promise, wake };
}
