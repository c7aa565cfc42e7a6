import { ConfigError } from '../../errors.js';
import type { PartitionAssignor } from '../../group/assignors/types.js';
import { builtInAssignors } from '../../group/index.js';
import type { CoordinatorLog, GroupCoordinator } from '../../group/types.js';
import { partitionForKey } from '../../log/partitioner.js';
import type { Admin } from '../admin.js';
import type { Consumer, ConsumerOptions } from '../consumer.js';
import { consumerOptions, producerOptions } from '../options.js';
import type { Producer, ProducerOptions } from '../producer.js';
import { type Bytes, serdes } from '../serde.js';
import type { Client } from '../types.js';

import { ClientContext } from './client-context.js';
import { EmbeddedAdmin } from './embedded-admin.js';
import { EmbeddedConsumer } from './embedded-consumer.js';
import type { EmbeddedLog } from './embedded-log.js';
import { EmbeddedProducer } from './embedded-producer.js';
import { acquireCoordinator, releaseCoordinator } from './shared-coordinator.js';

export interface EmbeddedClientOptions {
  /** Default `sluice`. */
  clientId?: string;
  /** Producers and subscribers may create missing topics. Default true. */
  autoCreateTopics?: boolean;
  /** Partitions of auto-created topics. Default 1. */
  defaultPartitions?: number;
  /** Close the log when the client closes (when the client opened it). Default false. */
  ownsLog?: boolean;
  /** Assignors consumers may name in `partition.assignment.strategy`. Default range, roundrobin, cooperative-sticky. */
  assignors?: PartitionAssignor[];
}

/**
 * A client over an already-open log, so that producers, consumers, Connect workers and Streams apps of one process
 * share it (and its group coordinator). The log stays open when the client closes unless `ownsLog` is set.
 */
export function embeddedClient(
  log: EmbeddedLog & CoordinatorLog,
  options: EmbeddedClientOptions = {},
): Client {
  return new EmbeddedClient(log, options);
}

class EmbeddedClient implements Client {
  readonly backend = 'embedded' as const;
  private readonly context: ClientContext;
  private readonly producers = new Set<{ close(): Promise<void> }>();
  private readonly consumers = new Set<{ close(): Promise<void> }>();
  private readonly assignors: Map<string, PartitionAssignor>;
  private coordinator: Promise<GroupCoordinator> | null = null;
  private adminInstance: EmbeddedAdmin | null = null;
  private closed = false;

  constructor(
    private readonly log: EmbeddedLog & CoordinatorLog,
    private readonly options: EmbeddedClientOptions,
  ) {
    this.assignors = new Map((options.assignors ?? builtInAssignors).map((a) => [a.name, a]));
    this.context = new ClientContext(log, () => this.openCoordinator(), {
      clientId: options.clientId ?? 'sluice',
      autoCreateTopics: options.autoCreateTopics ?? true,
      defaultPartitions: options.defaultPartitions ?? 1,
      partitioner: partitionForKey,
    });
  }

  producer<K = Bytes, V = Bytes>(options?: ProducerOptions<K, V>): Producer<K, V> {
    const resolved = producerOptions(options, { keySerde: serdes.bytes, valueSerde: serdes.bytes });
    const producer = new EmbeddedProducer<K, V>(this.context, resolved, (p) => this.producers.delete(p));
    this.producers.add(producer);
    return producer;
  }

  consumer<K = Buffer | null, V = Buffer | null>(options?: ConsumerOptions<K, V>): Consumer<K, V> {
    const resolved = consumerOptions(options, { keySerde: serdes.buffer, valueSerde: serdes.buffer });
    const assignors = resolved['partition.assignment.strategy'].map((name) => {
      const assignor = this.assignors.get(name);
      if (!assignor) {
        throw new ConfigError(`partition.assignment.strategy: no assignor named "${name}"`, {
          key: 'partition.assignment.strategy',
        });
      }
      return assignor;
    });
    const consumer = new EmbeddedConsumer<K, V>(this.context, resolved, assignors, (c) =>
      this.consumers.delete(c),
    );
    this.consumers.add(consumer);
    return consumer;
  }

  admin(): Admin {
    this.adminInstance ??= new EmbeddedAdmin(this.context);
    return this.adminInstance;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.consumers].map((c) => c.close()));
    await Promise.all([...this.producers].map((p) => p.close()));
    if (this.coordinator) {
      this.coordinator = null;
      await releaseCoordinator(this.log);
    }
    if (this.options.ownsLog) await this.log.close();
  }

  private openCoordinator(): Promise<GroupCoordinator> {
    this.coordinator ??= acquireCoordinator(this.log);
    return this.coordinator;
  }
}
