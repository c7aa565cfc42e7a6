import { AsyncLocalStorage } from 'node:async_hooks';
import type { Observable } from 'rxjs';
import type { Header } from '../log/types.js';
import type { StreamRecord } from './record.js';
import type { StateStore, StoreGroup } from './state/state-store.js';
import { Topology } from './topology.js';

/** A record as read from a topic, before its key and value are decoded. */
export interface SourceRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Header[];
}

/** A record handed to a sink, encoded. Without `partition` the key picks one (or round-robin when keyless). */
export interface SinkRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly Header[];
  timestamp: number;
  partition?: number;
}

/**
 * What operators get from the app (or test driver) that runs them: sources, sinks and stores. Operators look it
 * up when they are subscribed ({@link currentContext}), so the same pipeline runs unchanged on the runtime, in the
 * test driver, or alone in plain RxJS (where an in-memory context is made for it).
 */
export interface ProcessingContext {
  readonly applicationId: string;
  /** Records of `topic` as they are read. Declaring a source makes the app read the topic. */
  source(topic: string): Observable<SourceRecord>;
  /** Writes a record to `topic`; durable before the input offsets that caused it are committed. */
  send(topic: string, record: SinkRecord): void;
  /** Declares, when a pipeline is subscribed, a topic it will write to: the app creates it before reading. */
  declareSink(topic: string): void;
  /** The stores named `name`, one per partition, made by `create` on first use and restored from their changelog. */
  stores<S extends StateStore>(name: string, create: (name: string, partition: number) => S): StoreGroup<S>;
  /** A name unique within this context, for stores and internal topics the user did not name. */
  uniqueName(prefix: string): string;
  /** Hands over a record that arrived after the windows it belongs to had closed. */
  late(store: string, record: StreamRecord<unknown, unknown>): void;
  /**
   * Registers `listener` to run at each commit, before outputs are flushed: operators that hold back updates
   * (`emit: 'on-commit'`) emit them here. Returns a function that unregisters it.
   */
  onCommit(listener: () => void): () => void;
}

const storage = new AsyncLocalStorage<ProcessingContext>();

/** Runs `fn` (which subscribes pipelines) with `context` as the context its operators find. */
export function runInContext<T>(context: ProcessingContext, fn: () => T): T {
  return storage.run(context, fn);
}

/**
 * The context of the pipeline being subscribed; outside any app, a fresh in-memory {@link Topology} per call:
 * stores that live as long as the subscription, and internal topics (repartition) looped back in memory.
 */
export function currentContext(): ProcessingContext {
  return storage.getStore() ?? new Topology('standalone');
}
