import path from 'node:path';
import type { Logger } from 'pino';
import { PartitionLog } from './partition-log.js';
import type { OpenState } from './partition-state.js';
import { partitionDirName } from './segment-files.js';
import { resolveTopicConfig } from './topic-config.js';
import type { TopicRecord } from './topic-store.js';
import type { TopicConfig, TopicDescription } from './types.js';

/** An open topic: its config overrides, the effective config, and its open partitions. */
export interface TopicState {
  name: string;
  overrides: Partial<TopicConfig>;
  config: TopicConfig;
  partitions: PartitionLog[];
}

/** What every partition of a log shares: where the log lives, its defaults, clock, logger and failure handler. */
export interface TopicPartitionContext {
  dir: string;
  defaults: Partial<TopicConfig>;
  now: () => number;
  logger: Logger;
  /** A write or fsync failed: the whole log must close. */
  onFatal: (err: unknown) => void;
}

/** Opens a topic's partitions, each in the state `stateOf(<topic>-<partition>)` says (fresh when null). */
export function openTopic(
  record: TopicRecord,
  context: TopicPartitionContext,
  stateOf: (key: string) => OpenState | null,
): TopicState {
  const state: TopicState = {
    name: record.name,
    overrides: record.config,
    config: resolveTopicConfig(record.name, context.defaults, record.config),
    partitions: [],
  };
  for (let i = 0; i < record.partitions; i++) {
    state.partitions.push(openTopicPartition(state, i, stateOf(partitionDirName(record.name, i)), context));
  }
  return state;
}

/** Opens one partition of `state`, reading its config through the topic so that config changes apply at once. */
export function openTopicPartition(
  state: TopicState,
  partition: number,
  openState: OpenState | null,
  context: TopicPartitionContext,
): PartitionLog {
  return PartitionLog.open(
    {
      topic: state.name,
      partition,
      dir: path.join(context.dir, partitionDirName(state.name, partition)),
      config: () => state.config,
      now: context.now,
      logger: context.logger,
      onFatal: context.onFatal,
    },
    openState ?? { recoveryPoint: 0, logStartOffset: 0, clean: true },
  );
}

export function describeTopic(state: TopicState): TopicDescription {
  return { name: state.name, partitions: state.partitions.length, config: { ...state.config } };
}

/**
 * The open topics of a log, by name, with the context their partitions open in. Lookups that must fail loudly
 * (unknown topic or partition, a closed log) stay with the log.
 */
export class TopicRegistry {
  private readonly topics = new Map<string, TopicState>();

  constructor(private readonly context: TopicPartitionContext) {}

  /** Registers a topic and opens its partitions, each in the state `stateOf(<topic>-<partition>)` says. */
  add(record: TopicRecord, stateOf: (key: string) => OpenState | null): TopicState {
    const state = openTopic(record, this.context, stateOf);
    this.topics.set(record.name, state);
    return state;
  }

  /** Opens partitions up to `total` (new ones start empty). */
  grow(state: TopicState, total: number): void {
    for (let i = state.partitions.length; i < total; i++) {
      state.partitions.push(openTopicPartition(state, i, null, this.context));
    }
  }

  has(name: string): boolean {
    return this.topics.has(name);
  }

  get(name: string): TopicState | undefined {
    return this.topics.get(name);
  }

  delete(name: string): void {
    this.topics.delete(name);
  }

  keys(): IterableIterator<string> {
    return this.topics.keys();
  }

  values(): IterableIterator<TopicState> {
    return this.topics.values();
  }

  partitionOf(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.partitions[partition];
  }

  /** Every open partition of every topic. */
  partitions(): PartitionLog[] {
    const all: PartitionLog[] = [];
    for (const topic of this.topics.values()) all.push(...topic.partitions);
    return all;
  }
}
