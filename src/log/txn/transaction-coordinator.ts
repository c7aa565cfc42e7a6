import { TransactionError, UnknownPartitionError, UnknownTopicError } from '../../errors.js';
import {
  decodeTxnStateKey,
  decodeTxnStateValue,
  encodeTxnStateKey,
  encodeTxnStateValue,
  type TxnPartition,
  TxnStatus,
} from './txn-state-records.js';

/** What the coordinator needs of the log that owns it. */
export interface TxnHost {
  now(): number;
  /** Appends one record to `__transaction_state` (creating the topic first); `durable` waits for the fsync. */
  appendState(key: Buffer, value: Buffer, durable: boolean): Promise<void>;
  /** Every record of `__transaction_state`, oldest first (none when the topic does not exist). */
  readState(): Promise<{ key: Buffer | null; value: Buffer | null; offset: number }[]>;
  /** The log end of a partition (where a transaction's first record there will go at the earliest). */
  nextOffset(topic: string, partition: number): number;
  /** Appends a commit or abort marker of the producer's transaction to a partition, and closes it there. */
  writeMarker(
    topic: string,
    partition: number,
    producerId: number,
    producerEpoch: number,
    commit: boolean,
    firstOffset: number,
  ): Promise<void>;
}

/** The producer id and epoch a transactional producer writes with. */
export interface ProducerIdentity {
  producerId: number;
  producerEpoch: number;
}

interface TxnEntry extends ProducerIdentity {
  transactionalId: string;
  status: TxnStatus;
  /** Partitions written in the open transaction, by `topic\0partition`. */
  partitions: Map<string, TxnPartition>;
  /** Resolves once the state record naming each partition is durable. */
  registered: Map<string, Promise<void>>;
  /** The state write that will include changes made now, if one is queued and not started. */
  queued: Promise<void> | null;
  /** State writes of this id, one after another. */
  writes: Promise<unknown>;
  /** Inits and ends of this id, one after another. */
  ops: Promise<unknown>;
}

const MAX_EPOCH = 0x7fff;

function slot(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/**
 * Kafka's transaction coordinator for one log: hands transactional ids their producer id and epoch, records in
 * `__transaction_state` which partitions each open transaction wrote to, and ends transactions with markers.
 *
 * - Fencing: `initProducer` for an id bumps its epoch and aborts what the previous holder left open; every later
 *   append or end by the older epoch fails with `PRODUCER_FENCED`.
 * - Atomic commit: the decision (`PrepareCommit`, listing the partitions) is fsynced before any marker is
 *   written, so a crash between markers is finished on reopen rather than leaving half a commit.
 * - Recovery: reopening replays the topic; transactions still open are aborted, prepared commits completed.
 * - A partition is registered (its record fsynced) before the transaction's first record goes to it, so no
 *   transactional record can outlive a crash without the coordinator knowing to end its transaction.
 */
export class TransactionCoordinator {
  private readonly byId = new Map<string, TxnEntry>();
  private readonly byProducer = new Map<number, TxnEntry>();
  private nextProducerId = 1;

  constructor(private readonly host: TxnHost) {}

  /**
   * Replays `__transaction_state`: aborts open transactions, completes prepared commits. Returns how many, and
   * the offsets of records that do not decode, which are skipped (the log says so) rather than stop the log.
   */
  async recover(): Promise<{ ended: number; skipped: number[] }> {
    const skipped: number[] = [];
    for (const { key, value, offset } of await this.host.readState()) {
      if (key === null) continue;
      let id: string;
      let state: ReturnType<typeof decodeTxnStateValue> | null;
      try {
        id = decodeTxnStateKey(key);
        state = value === null ? null : decodeTxnStateValue(value);
      } catch {
        skipped.push(offset);
        continue;
      }
      if (state === null) {
        this.byId.delete(id);
        continue;
      }
      const entry = this.entryFor(id, state.producerId, state.producerEpoch);
      entry.status = state.status;
      entry.partitions = new Map(state.partitions.map((p) => [slot(p.topic, p.partition), p]));
      this.nextProducerId = Math.max(this.nextProducerId, state.producerId + 1);
    }
    let finished = 0;
    for (const entry of this.byId.values()) {
      this.byProducer.set(entry.producerId, entry);
      if (entry.status === TxnStatus.PrepareCommit) await this.complete(entry, true);
      else if (entry.status === TxnStatus.Ongoing || entry.status === TxnStatus.PrepareAbort)
        await this.complete(entry, false);
      else continue;
      finished++;
    }
    return { ended: finished, skipped };
  }

  /**
   * The producer id and a new epoch for `transactionalId`. A transaction the previous epoch left open is aborted
   * (a prepared commit is completed) first; the previous holder is fenced from then on.
   */
  initProducer(transactionalId: string): Promise<ProducerIdentity> {
    const existing = this.byId.get(transactionalId);
    const entry = existing ?? this.entryFor(transactionalId, this.nextProducerId++, -1);
    // Decided now, before any await: appends of the old epoch stop being accepted at once.
    const finish =
      entry.status === TxnStatus.Ongoing || entry.status === TxnStatus.PrepareAbort
        ? false
        : entry.status === TxnStatus.PrepareCommit
          ? true
          : null;
    if (finish === false) entry.status = TxnStatus.PrepareAbort;
    const previous = { producerId: entry.producerId, producerEpoch: entry.producerEpoch };
    if (entry.producerEpoch >= MAX_EPOCH) {
      this.byProducer.delete(entry.producerId);
      entry.producerId = this.nextProducerId++;
      entry.producerEpoch = -1;
    }
    entry.producerEpoch++;
    this.byProducer.set(entry.producerId, entry);
    const identity = { producerId: entry.producerId, producerEpoch: entry.producerEpoch };
    return this.serialize(entry, async () => {
      if (finish !== null) await this.complete(entry, finish, previous);
      entry.status = TxnStatus.Empty;
      await this.persist(entry, true);
      return identity;
    });
  }

  /**
   * Adds a partition to the producer's transaction (opening one if none is open) and resolves once that is
   * durable. Call before appending the transaction's records to the partition.
   */
  register(identity: ProducerIdentity, topic: string, partition: number): Promise<void> {
    const entry = this.current(identity);
    const key = slot(topic, partition);
    const done = entry.registered.get(key);
    if (done !== undefined) return done;
    if (entry.status === TxnStatus.PrepareCommit || entry.status === TxnStatus.PrepareAbort) {
      throw this.invalid(entry, 'the transaction is being committed or aborted; wait for that to finish');
    }
    entry.status = TxnStatus.Ongoing;
    entry.partitions.set(key, { topic, partition, firstOffset: this.host.nextOffset(topic, partition) });
    const write = this.persist(entry, true);
    entry.registered.set(key, write);
    return write;
  }

  /**
   * Throws unless the producer may append its transaction's records to the partition now: the current epoch, an
   * open transaction, the partition registered. Synchronous, so the caller's append follows with nothing between.
   */
  checkAppend(identity: ProducerIdentity, topic: string, partition: number): void {
    const entry = this.current(identity);
    if (entry.status !== TxnStatus.Ongoing || !entry.partitions.has(slot(topic, partition))) {
      throw this.invalid(entry, `no open transaction has ${topic}-${partition}; send within a transaction`);
    }
  }

  /**
   * Commits or aborts the producer's open transaction: records the decision durably, writes a marker to every
   * partition, records completion. Ending with no transaction open does nothing.
   */
  async end(identity: ProducerIdentity, commit: boolean): Promise<void> {
    const entry = this.current(identity);
    if (entry.status !== TxnStatus.Ongoing) {
      if (entry.status === TxnStatus.PrepareCommit || entry.status === TxnStatus.PrepareAbort) {
        throw this.invalid(entry, 'the transaction is already being committed or aborted');
      }
      return;
    }
    await Promise.all(entry.registered.values());
    this.current(identity);
    entry.status = commit ? TxnStatus.PrepareCommit : TxnStatus.PrepareAbort;
    await this.persist(entry, true);
    await this.serialize(entry, () => this.complete(entry, commit));
  }

  /** Writes the markers of the entry's transaction, then the completion record. */
  private async complete(entry: TxnEntry, commit: boolean, as: ProducerIdentity = entry): Promise<void> {
    for (const p of entry.partitions.values()) {
      try {
        await this.host.writeMarker(
          p.topic,
          p.partition,
          as.producerId,
          as.producerEpoch,
          commit,
          p.firstOffset,
        );
      } catch (error) {
        // A topic deleted since: nothing of the transaction is left there to end.
        if (!(error instanceof UnknownTopicError) && !(error instanceof UnknownPartitionError)) throw error;
      }
    }
    entry.partitions = new Map();
    entry.registered = new Map();
    entry.status = commit ? TxnStatus.CompleteCommit : TxnStatus.CompleteAbort;
    // Not fsynced: losing it only makes a reopen end the transaction again, which changes nothing.
    await this.persist(entry, false);
  }

  /** Queues a state record of the entry as it will be when the write starts (changes made until then join it). */
  private persist(entry: TxnEntry, durable: boolean): Promise<void> {
    if (durable && entry.queued !== null) return entry.queued;
    const write = entry.writes.then(() => {
      if (entry.queued === write) entry.queued = null;
      const value = encodeTxnStateValue({
        producerId: entry.producerId,
        producerEpoch: entry.producerEpoch,
        status: entry.status,
        timestamp: this.host.now(),
        partitions: [...entry.partitions.values()],
      });
      return this.host.appendState(encodeTxnStateKey(entry.transactionalId), value, durable);
    });
    if (durable) entry.queued = write;
    entry.writes = write.catch(() => {});
    return write;
  }

  private serialize<T>(entry: TxnEntry, fn: () => Promise<T>): Promise<T> {
    const run = entry.ops.then(fn);
    entry.ops = run.catch(() => {});
    return run;
  }

  private entryFor(transactionalId: string, producerId: number, producerEpoch: number): TxnEntry {
    let entry = this.byId.get(transactionalId);
    if (entry === undefined) {
      entry = {
        transactionalId,
        producerId,
        producerEpoch,
        status: TxnStatus.Empty,
        partitions: new Map(),
        registered: new Map(),
        queued: null,
        writes: Promise.resolve(),
        ops: Promise.resolve(),
      };
      this.byId.set(transactionalId, entry);
    } else {
      entry.producerId = producerId;
      entry.producerEpoch = producerEpoch;
    }
    return entry;
  }

  /** The entry of a producer at its current epoch; a stale epoch is a fenced zombie. */
  private current(identity: ProducerIdentity): TxnEntry {
    const entry = this.byProducer.get(identity.producerId);
    if (entry === undefined) {
      throw new TransactionError(
        'INVALID_PRODUCER_EPOCH',
        '(unknown)',
        `producer id ${identity.producerId} was not handed out by this log; call initTransactions first`,
      );
    }
    if (identity.producerEpoch !== entry.producerEpoch) {
      throw new TransactionError(
        'PRODUCER_FENCED',
        entry.transactionalId,
        `epoch ${identity.producerEpoch} was fenced by a newer producer with the same transactional id (epoch ${entry.producerEpoch}); close this producer`,
      );
    }
    return entry;
  }

  private invalid(entry: TxnEntry, message: string): TransactionError {
    return new TransactionError('INVALID_TXN_STATE', entry.transactionalId, message);
  }
}
