import type { RebalanceListener } from '../consumer.js';
import type { TopicPartition } from '../records.js';
import type { HandoffResult } from './batch-handoff.js';

/** kafkajs error types after which the member must join the group again (kafkajs's `isRebalancing`, and expulsion). */
const REJOIN_ERRORS = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'NOT_COORDINATOR_FOR_GROUP',
  'UNKNOWN_MEMBER_ID',
]);

/** Whether a kafkajs error means the group is rebalancing (or has expelled this member) and a rejoin follows. */
export function isRejoinError(error: unknown): boolean {
  return REJOIN_ERRORS.has((error as { type?: string } | null)?.type ?? '');
}

/** What {@link GroupRebalances} acts on in the consumer. */
export interface RebalanceParts {
  listener?: RebalanceListener;
  /** Hands every batch the reader has not taken yet back unprocessed. */
  withdrawQueued(): void;
  /** Commits what was processed of `partitions` when the consumer auto-commits (before they are revoked). */
  commitProcessed(partitions: TopicPartition[]): Promise<void>;
  /** How often to heartbeat while a batch waits for the reader or for the listener. */
  heartbeatMs: number;
}

/**
 * The rebalance side of a kafkajs consumer, keeping the promise of {@link RebalanceListener} that kafkajs alone does
 * not: kafkajs emits its rebalance events without awaiting anyone, delivers batches of a new assignment at once,
 * heartbeats only between batches, and after an expulsion rejoins without any revocation. Here:
 *
 * - the revocation of an assignment always comes before the next assignment, the callbacks run one after another,
 *   and no batch reaches the reader until the callbacks of the current assignment are done;
 * - a revocation first withdraws the batches the reader has not taken, and waits for the ones in its hands;
 * - while a batch waits for the reader or for a callback, the member heartbeats, so a slow reader is not expelled;
 *   a heartbeat that says the group rebalances revokes at once, before kafkajs rejoins, so the callback can still
 *   commit with the current generation.
 */
export class GroupRebalances {
  #owned: TopicPartition[] = [];
  #revoked = true;
  /** The listener callbacks, chained in the order they were asked for, and how many have not finished. */
  #steps: Promise<void> = Promise.resolve();
  #running = 0;
  /** Batches in the reader's hands (or waiting for it), which a revocation waits for. */
  readonly #handing = new Set<Promise<HandoffResult>>();

  constructor(private readonly parts: RebalanceParts) {}

  /** The partitions assigned now; none between a revocation and the next assignment. */
  assignment(): TopicPartition[] {
    return [...this.#owned];
  }

  /** Whether batches may go to the reader: partitions are assigned and not being revoked. */
  get delivering(): boolean {
    return !this.#revoked;
  }

  /** kafkajs joined the group with `partitions`: revokes the previous assignment if that has not happened, then assigns. */
  assigned(partitions: TopicPartition[]): void {
    void this.revoke();
    this.#owned = partitions;
    this.#revoked = false;
    this.#step(async () => {
      await this.parts.listener?.onPartitionsAssigned?.(partitions);
    });
  }

  /** Revokes the current assignment (once); resolves when its callback is done. */
  revoke(): Promise<void> {
    if (this.#revoked) return this.#steps;
    this.#revoked = true;
    const partitions = this.#owned;
    this.#owned = [];
    this.parts.withdrawQueued();
    const inHands = [...this.#handing];
    return this.#step(async () => {
      await Promise.allSettled(inHands);
      await this.parts.commitProcessed(partitions).catch(() => {});
      await this.parts.listener?.onPartitionsRevoked?.(partitions);
    });
  }

  /**
   * Waits until the callbacks of the current assignment are done, heartbeating meanwhile. Throws a heartbeat's
   * rejoin error after revoking; kafkajs rejoins when the batch handler rethrows it.
   */
  async ready(heartbeat: () => Promise<void>): Promise<void> {
    if (this.#running === 0) return;
    let done = false;
    const steps = this.#steps.then(() => {
      done = true;
    });
    while (!done) {
      await this.#waitFor(steps);
      if (!done) await this.beat(heartbeat);
    }
  }

  /**
   * Hands a batch to the reader and waits for its answer, heartbeating meanwhile. A heartbeat that says the group
   * rebalances withdraws the queued batches (this one too, unless the reader has it) and is reported to `rejoin`,
   * which the caller rethrows once it has settled the batch.
   */
  async handOver(
    hand: () => Promise<HandoffResult>,
    heartbeat: () => Promise<void>,
    rejoin: (error: unknown) => void,
  ): Promise<HandoffResult> {
    let settled = false;
    const handed = hand().finally(() => {
      settled = true;
      this.#handing.delete(handed);
    });
    this.#handing.add(handed);
    let rebalancing = false;
    while (!settled) {
      await this.#waitFor(handed);
      if (settled || rebalancing) continue;
      try {
        await heartbeat();
      } catch (error) {
        if (!isRejoinError(error)) continue;
        rebalancing = true;
        this.parts.withdrawQueued();
        rejoin(error);
      }
    }
    return handed;
  }

  /** Heartbeats; a rejoin error revokes the assignment, then is rethrown for kafkajs. Other failures are retried later. */
  async beat(heartbeat: () => Promise<void>): Promise<void> {
    try {
      await heartbeat();
    } catch (error) {
      if (!isRejoinError(error)) return;
      await this.revoke();
      throw error;
    }
  }

  /**
   * While revoked, heartbeats every interval until one fails with the group's rejoin error, and throws it (after a
   * revocation the coordinator answers every heartbeat so until the member rejoins, which kafkajs does only once
   * its batch handlers are done).
   */
  async untilRejoin(heartbeat: () => Promise<void>, running: () => boolean): Promise<void> {
    while (!this.delivering && running()) {
      await this.#waitFor();
      await this.beat(heartbeat);
    }
  }

  #step(step: () => Promise<void>): Promise<void> {
    // A callback that throws does not stop the rebalance: the next step runs all the same.
    this.#running++;
    this.#steps = this.#steps
      .then(step)
      .catch(() => {})
      .finally(() => {
        this.#running--;
      });
    return this.#steps;
  }

  /** Waits for `promise` or one heartbeat interval, whichever is first. */
  async #waitFor(promise: Promise<unknown> = new Promise(() => {})): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      promise.catch(() => {}),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.parts.heartbeatMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
