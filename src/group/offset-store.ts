import type { Logger } from 'pino';
import { CorruptRecordError } from '../errors.js';
import type { TransactionalProducer } from '../log/types.js';
import {
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  decodeOffsetsTopicKey,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  type GroupMetadataValue,
  groupPartition,
  OFFSETS_TOPIC,
  type OffsetCommitValue,
} from './offsets-topic-records.js';
import type { CoordinatorLog, TopicPartition } from './types.js';

export interface StoredOffset extends TopicPartition {
  value: OffsetCommitValue;
}

/** What replaying `__consumer_offsets` found: every group's last metadata record and committed offsets. */
export interface LoadedState {
  groups: Map<string, GroupMetadataValue>;
}

const READ_BYTES = 1 << 20;

/**
 * Committed offsets of every group, cached in memory and stored durably in `__consumer_offsets`. A write resolves
 * only after the log acknowledged it with acks=all, and the cache changes only then, so a fetch never returns an
 * offset a restart could lose. Writes to one partition of the topic are applied in order.
 */
export class OffsetStore {
  private readonly offsets = new Map<string, Map<string, StoredOffset>>();
  private readonly tails = new Map<number, Promise<void>>();
  /** Offsets written in open transactions, by producer id: applied when the transaction commits. */
  private readonly pending = new Map<number, { groupId: string; entries: StoredOffset[] }[]>();

  private constructor(
    private readonly log: CoordinatorLog,
    readonly partitions: number,
  ) {}

  /** Creates the topic when missing, then replays every partition from its start. */
  static async open(
    log: CoordinatorLog,
    partitions: number,
    logger?: Logger,
  ): Promise<{ store: OffsetStore; loaded: LoadedState }> {
    const loaded: LoadedState = { groups: new Map() };
    if (!log.hasTopic(OFFSETS_TOPIC)) {
      await log.createTopic(OFFSETS_TOPIC, { partitions, config: { 'cleanup.policy': 'compact' } });
      return { store: new OffsetStore(log, partitions), loaded };
    }
    // A group's partition depends on the count, so the topic's own count wins over the configured one.
    const actual = log.describeTopic ? (await log.describeTopic(OFFSETS_TOPIC)).partitions : partitions;
    const store = new OffsetStore(log, actual);
    for (let p = 0; p < actual; p++) await store.replay(p, loaded, logger);
    return { store, loaded };
  }

  /**
   * Replays one partition. A record that does not decode (a client wrote it before internal topics were
   * protected, or it was damaged) and a damaged batch are skipped with a warning naming the offset: the
   * coordinator starts with everything else, as Kafka's does.
   */
  private async replay(partition: number, loaded: LoadedState, logger: Logger | undefined): Promise<void> {
    const { logStartOffset, highWatermark } = await this.log.offsets(OFFSETS_TOPIC, partition);
    let offset = logStartOffset;
    const skip = (at: number, err: unknown, what: string) =>
      logger?.warn(
        { topic: OFFSETS_TOPIC, partition, offset: at, err: (err as Error).message },
        `skipped ${what} of ${OFFSETS_TOPIC}-${partition} at offset ${at} that does not decode`,
      );
    while (offset < highWatermark) {
      let read: Awaited<ReturnType<CoordinatorLog['readRecords']>>;
      try {
        // Offsets committed in a transaction count once it commits: aborted ones are skipped.
        read = await this.log.readRecords(OFFSETS_TOPIC, partition, offset, {
          maxBytes: READ_BYTES,
          isolationLevel: 'read_committed',
        });
      } catch (err) {
        const next = (err as CorruptRecordError).nextOffset;
        if (!(err instanceof CorruptRecordError) || next === undefined || next <= offset) throw err;
        skip(offset, err, 'a damaged batch');
        offset = next;
        continue;
      }
      for (const record of read.records) {
        if (record.offset < offset || record.key === null) continue;
        try {
          this.apply(record, loaded);
        } catch (err) {
          skip(record.offset, err, 'a record');
        }
      }
      if (read.nextOffset <= offset) break;
      offset = read.nextOffset;
    }
  }

  private apply(record: { key: Buffer | null; value: Buffer | null }, loaded: LoadedState): void {
    const key = decodeOffsetsTopicKey(record.key!);
    if (key?.kind === 'offset') {
      if (record.value === null) this.forget(key.group, key);
      else this.remember(key.group, { ...key, value: decodeOffsetCommitValue(record.value) });
    } else if (key?.kind === 'group') {
      if (record.value === null) loaded.groups.delete(key.group);
      else loaded.groups.set(key.group, decodeGroupMetadataValue(record.value));
    }
  }

  get(groupId: string, topic: string, partition: number): OffsetCommitValue | undefined {
    return this.offsets.get(groupId)?.get(slot(topic, partition))?.value;
  }

  /** Every committed offset of a group, sorted by topic and partition. */
  list(groupId: string): StoredOffset[] {
    const all = [...(this.offsets.get(groupId)?.values() ?? [])];
    return all.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  }

  hasOffsets(groupId: string): boolean {
    return (this.offsets.get(groupId)?.size ?? 0) > 0;
  }

  groupIds(): string[] {
    return [...this.offsets.keys()];
  }

  async commit(groupId: string, entries: StoredOffset[]): Promise<void> {
    if (entries.length === 0) return;
    const records = entries.map((e) => ({
      key: encodeOffsetCommitKey(groupId, e.topic, e.partition),
      value: encodeOffsetCommitValue(e.value),
    }));
    await this.write(groupId, records);
    for (const e of entries) this.remember(groupId, e);
  }

  /**
   * Writes offsets as part of producer `producer`'s open transaction (Kafka's TxnOffsetCommit). They are durable
   * but not visible: {@link OffsetStore.endTransaction} applies them when the transaction commits, and a reopen
   * replays only committed ones.
   */
  async commitTransactional(
    groupId: string,
    producer: TransactionalProducer,
    entries: StoredOffset[],
  ): Promise<void> {
    if (entries.length === 0) return;
    const records = entries.map((e) => ({
      key: encodeOffsetCommitKey(groupId, e.topic, e.partition),
      value: encodeOffsetCommitValue(e.value),
    }));
    await this.write(groupId, records, producer);
    let list = this.pending.get(producer.producerId);
    if (!list) this.pending.set(producer.producerId, (list = []));
    list.push({ groupId, entries });
  }

  /** The producer's transaction ended: its offsets become the committed ones, or are dropped on abort. */
  endTransaction(producerId: number, committed: boolean): void {
    const list = this.pending.get(producerId);
    this.pending.delete(producerId);
    if (!committed || !list) return;
    for (const { groupId, entries } of list) for (const e of entries) this.remember(groupId, e);
  }

  /** Writes tombstones for some of a group's offsets. */
  async remove(groupId: string, partitions: TopicPartition[]): Promise<void> {
    if (partitions.length === 0) return;
    const records = partitions.map((tp) => ({
      key: encodeOffsetCommitKey(groupId, tp.topic, tp.partition),
      value: null,
    }));
    await this.write(groupId, records);
    for (const tp of partitions) this.forget(groupId, tp);
  }

  /** Writes the group's metadata record (after a rebalance completes or the group empties). */
  async storeGroup(groupId: string, value: GroupMetadataValue): Promise<void> {
    await this.write(groupId, [
      { key: encodeGroupMetadataKey(groupId), value: encodeGroupMetadataValue(value) },
    ]);
  }

  /** Tombstones every offset of the group and its metadata record. */
  async removeGroup(groupId: string): Promise<void> {
    const records = this.list(groupId).map((o) => ({
      key: encodeOffsetCommitKey(groupId, o.topic, o.partition),
      value: null,
    }));
    records.push({ key: encodeGroupMetadataKey(groupId), value: null });
    await this.write(groupId, records);
    this.offsets.delete(groupId);
  }

  /** Resolves once every write started so far has finished (successfully or not). */
  async settle(): Promise<void> {
    await Promise.all(this.tails.values());
  }

  private write(
    groupId: string,
    records: { key: Buffer; value: Buffer | null }[],
    transaction?: TransactionalProducer,
  ): Promise<void> {
    const partition = groupPartition(groupId, this.partitions);
    const previous = this.tails.get(partition) ?? Promise.resolve();
    const next = previous.then(async () => {
      await this.log.append(OFFSETS_TOPIC, partition, records, { acks: 'all', transaction });
    });
    // The chain continues after a failed write; the failure goes to this write's caller only.
    const tail = next.catch(() => undefined);
    this.tails.set(partition, tail);
    void tail.then(() => {
      if (this.tails.get(partition) === tail) this.tails.delete(partition);
    });
    return next;
  }

  private remember(groupId: string, entry: StoredOffset): void {
    let group = this.offsets.get(groupId);
    if (!group) this.offsets.set(groupId, (group = new Map()));
    group.set(slot(entry.topic, entry.partition), entry);
  }

  private forget(groupId: string, tp: TopicPartition): void {
    const group = this.offsets.get(groupId);
    group?.delete(slot(tp.topic, tp.partition));
    if (group?.size === 0) this.offsets.delete(groupId);
  }
}

function slot(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
