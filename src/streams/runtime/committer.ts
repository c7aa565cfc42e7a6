import type { Consumer } from '../../client/consumer.js';
import type { Producer, Transaction } from '../../client/producer.js';
import { GroupError, SluiceError } from '../../errors.js';
import { changelogTopic, type Topology } from '../topology.js';
import type { OutputBuffer } from './output-buffer.js';

type Bytes = Buffer | null;

/** What a {@link Committer} commits for: the parts of one running streams app. */
export interface CommitterParts {
  applicationId: string;
  topology: Topology;
  producer: Producer<Bytes, Bytes>;
  consumer: Consumer<Bytes, Bytes>;
  outputs: OutputBuffer;
  /** Next offset to commit per input topic-partition, kept up to date by the app. */
  positions: ReadonlyMap<string, { topic: string; partition: number; offset: number }>;
  exactlyOnce: boolean;
  /** Marks the app failed: a failed exactly-once commit leaves stores holding changes that never commit. */
  fail: (error: unknown) => void;
}

/**
 * The commit path of a streams app. At least once: outputs and changelog records are flushed and acknowledged,
 * then the input offsets are committed. Exactly once: the same inside the transaction of the commit interval, so
 * outputs, changelog records and input offsets commit together or a crash aborts them all. Commits run one at a
 * time, and (exactly once) no record is processed while one is in progress.
 */
export class Committer {
  /** Exactly once: the transaction of the current commit interval, opened when the first record arrives. */
  #transaction: Transaction<Bytes, Bytes> | null = null;
  #committing: Promise<void> = Promise.resolve();

  constructor(private readonly parts: CommitterParts) {}

  commit(): Promise<void> {
    // Commits run one at a time: a rebalance may ask for one while the loop is in another.
    this.#committing = this.#committing.catch(() => {}).then(() => this.#commitNow());
    return this.#committing;
  }

  /** Waits for a commit in progress, then opens the next transaction (the producer opens it synchronously). */
  async transactionReady(): Promise<void> {
    await this.#committing.catch(() => {});
    if (this.#transaction === null) this.#transaction = await this.parts.producer.transaction();
  }

  /** The open transaction of this commit interval. */
  openTransaction(): Transaction<Bytes, Bytes> {
    if (this.#transaction === null) {
      throw new SluiceError(
        'APP_STATE',
        `streams app "${this.parts.applicationId}" has no open transaction to write to`,
      );
    }
    return this.#transaction;
  }

  async #commitNow(): Promise<void> {
    const { applicationId, topology, outputs, consumer } = this.parts;
    const offsets = [...this.parts.positions.values()];
    topology.commit();
    for (const group of topology.storeGroups()) {
      const topic = changelogTopic(applicationId, group.name);
      for (const [partition, store] of group.partitions()) {
        for (const change of store.takeChanges()) outputs.add(topic, { ...change, headers: [], partition });
      }
    }
    if (this.parts.exactlyOnce) {
      if (this.#transaction === null) {
        if (outputs.size === 0) return; // nothing was read since the last commit
        this.#transaction = await this.parts.producer.transaction();
      }
      const transaction = this.#transaction;
      try {
        await outputs.flush();
        if (offsets.length > 0) await transaction.sendOffsets({ consumerGroupId: applicationId, offsets });
        await transaction.commit();
      } catch (error) {
        // The stores hold changes that will now never be committed: the app cannot go on (a restart restores).
        if (transaction.isActive()) await transaction.abort().catch(() => {});
        this.parts.fail(error);
        throw error;
      } finally {
        this.#transaction = null;
      }
      return;
    }
    await outputs.flush();
    try {
      if (offsets.length > 0) await consumer.commit(offsets);
    } catch (error) {
      // Fenced by a rebalance: no failure at least once, the partitions' next owner reprocesses from the last commit.
      if (!(error instanceof GroupError && FENCED_BY_REBALANCE.has(error.code))) throw error;
    }
  }
}

/** Commit errors meaning the group moved on (a rebalance, or this member was expelled): the commit did not count. */
const FENCED_BY_REBALANCE = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

const instances = new Map<string, number>();

/**
 * The transactional id of a new instance of app `applicationId` in this process: `<app>-<n>`, n counting the
 * instances the process made, so a restarted process takes over (and fences) the ids of the one before.
 */
export function transactionalId(applicationId: string): string {
  const n = instances.get(applicationId) ?? 0;
  instances.set(applicationId, n + 1);
  return `${applicationId}-${n}`;
}
