import type { Kafka, Admin as KafkaJsAdmin } from 'kafkajs';
import { UnknownTopicError } from '../../errors.js';
import { partitionForKey } from '../../log/partitioner.js';
import { kafkaCall } from './kafka-errors.js';

/** What the producers, consumers and admin of one kafka client share: the kafkajs instance and one admin. */
export class KafkaContext {
  private adminConnection: Promise<KafkaJsAdmin> | null = null;
  private readonly closers = new Set<() => Promise<void>>();

  constructor(
    readonly kafka: Kafka,
    readonly clientId: string,
  ) {}

  /** The shared kafkajs admin, connected on first use. */
  admin(): Promise<KafkaJsAdmin> {
    this.adminConnection ??= (async () => {
      const admin = this.kafka.admin();
      await kafkaCall({}, () => admin.connect());
      return admin;
    })();
    return this.adminConnection;
  }

  /** Kafka's default partitioner (murmur2 of the key), so keys land where the embedded backend puts them. */
  partitionForKey(key: Buffer, partitions: number): number {
    return partitionForKey(key, partitions);
  }

  /**
   * The partition count of `topic`; a missing topic is created (with the broker's default partition count) when
   * `allowCreate`, and rejected with {@link UnknownTopicError} otherwise.
   */
  async partitionsOf(topic: string, allowCreate: boolean): Promise<number> {
    const admin = await this.admin();
    const existing = await this.describe(admin, topic);
    if (existing !== undefined) return existing;
    if (!allowCreate) {
      throw new UnknownTopicError(
        topic,
        'create it first (sluice topics create) or set allow.auto.create.topics',
      );
    }
    await kafkaCall({ topic }, () => admin.createTopics({ topics: [{ topic }], waitForLeaders: true }));
    const created = await this.describe(admin, topic);
    if (created === undefined) throw new UnknownTopicError(topic, 'the broker did not create it');
    return created;
  }

  private async describe(admin: KafkaJsAdmin, topic: string): Promise<number | undefined> {
    const topics = await kafkaCall({ topic }, () => admin.listTopics());
    if (!topics.includes(topic)) return undefined;
    const meta = await kafkaCall({ topic }, () => admin.fetchTopicMetadata({ topics: [topic] }));
    return meta.topics[0]?.partitions.length;
  }

  /** Registers something to close with the client; returns the function that unregisters it. */
  track(close: () => Promise<void>): () => void {
    this.closers.add(close);
    return () => this.closers.delete(close);
  }

  async close(): Promise<void> {
    for (const close of [...this.closers]) await close();
    this.closers.clear();
    const admin = this.adminConnection;
    this.adminConnection = null;
    if (admin) await (await admin.catch(() => null))?.disconnect();
  }
}
