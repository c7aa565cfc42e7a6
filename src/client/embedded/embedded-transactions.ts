import { ClientStateError, ConfigError, TransactionError } from '../../errors.js';
import { RecordsBuilder } from '../../log/codec/record-batch.js';
import type {
  Acks,
  AppendRecord,
  AppendResult,
  CompressionType,
  TransactionalProducer,
} from '../../log/types.js';
import type { Producer, TopicMessages, Transaction } from '../producer.js';
import type { ProducerRecord, RecordMetadata, TopicPartitionOffset } from '../records.js';
import type { ClientContext } from './client-context.js';

/**
 * The transactions of one embedded producer with a `transactional.id`: its producer id and epoch (taken from the
 * log on first use, which fences earlier producers of the id), the one transaction open at a time, and the
 * appends of its sends, which the log accepts only inside that transaction.
 */
export class EmbeddedTransactions {
  #identity: Promise<TransactionalProducer> | undefined;
  #current: EmbeddedTransaction<unknown, unknown> | null = null;

  constructor(
    private readonly context: ClientContext,
    readonly transactionalId: string,
    private readonly acks: Acks,
    private readonly compression: CompressionType = 'none',
  ) {}

  /** Appends one sealed batch of the open transaction. */
  append(topic: string, partition: number, records: AppendRecord[]): Promise<AppendResult> {
    return this.#append(topic, partition, records);
  }

  /** Appends one sealed batch of the open transaction, built record by record (the log has `appendBuilt`). */
  appendBuilt(topic: string, partition: number, batch: RecordsBuilder): Promise<AppendResult> {
    return this.#append(topic, partition, batch);
  }

  async #append(
    topic: string,
    partition: number,
    records: AppendRecord[] | RecordsBuilder,
  ): Promise<AppendResult> {
    const current = this.#current;
    if (current === null || !current.active) {
      throw new TransactionError(
        'INVALID_TXN_STATE',
        this.transactionalId,
        'a transactional producer sends only inside a transaction; call producer.transaction() first',
      );
    }
    try {
      const options = { acks: this.acks, compression: this.compression, transaction: await this.identity() };
      return await (records instanceof RecordsBuilder
        ? this.context.log.appendBuilt!(topic, partition, records, options)
        : this.context.log.append(topic, partition, records, options));
    } catch (error) {
      current.failed ??= error;
      throw error;
    }
  }

  /** Opens a transaction whose sends go through `producer`. */
  async begin<K, V>(producer: Producer<K, V>): Promise<Transaction<K, V>> {
    if (this.#current?.active) {
      throw new TransactionError(
        'INVALID_TXN_STATE',
        this.transactionalId,
        'a transaction is already open; commit or abort it first',
      );
    }
    await this.identity();
    const transaction = new EmbeddedTransaction<K, V>(this, producer as Producer<K, V>);
    this.#current = transaction as EmbeddedTransaction<unknown, unknown>;
    return transaction;
  }

  /** Aborts the open transaction, if any (the producer is closing). */
  async close(): Promise<void> {
    if (this.#current?.active) await this.#current.abort();
  }

  async sendOffsets(
    transaction: EmbeddedTransaction<unknown, unknown>,
    groupId: string,
    offsets: TopicPartitionOffset[],
  ): Promise<void> {
    const producer = await this.identity();
    // Registering the offsets partition with the transaction happens in the log, on the coordinator's append.
    const coordinator = await this.context.coordinator();
    const results = await coordinator.commitTransactionalOffsets({ groupId, producer, offsets });
    transaction.usedGroups = true;
    const failed = results.find((r) => r.error !== null);
    if (failed) {
      transaction.failed ??= failed.error;
      throw failed.error;
    }
  }

  /** Ends the transaction in the log, then applies or drops its offsets in the group coordinator. */
  async end(transaction: EmbeddedTransaction<unknown, unknown>, commit: boolean): Promise<void> {
    const producer = await this.identity();
    await this.context.log.endTransaction!(producer, commit);
    if (transaction.usedGroups)
      (await this.context.coordinator()).endTransaction(producer.producerId, commit);
  }

  private identity(): Promise<TransactionalProducer> {
    const log = this.context.log;
    if (log.initTransactions === undefined || log.endTransaction === undefined) {
      throw new ConfigError('this log does not support transactions; remove transactional.id', {
        key: 'transactional.id',
      });
    }
    this.#identity ??= log.initTransactions(this.transactionalId);
    return this.#identity;
  }
}

/** One transaction of an {@link EmbeddedTransactions}. */
class EmbeddedTransaction<K, V> implements Transaction<K, V> {
  active = true;
  /** The first send or offset commit that failed: committing aborts instead. */
  failed: unknown;
  /** Offsets were sent: the group coordinator must hear how the transaction ended. */
  usedGroups = false;

  constructor(
    private readonly owner: EmbeddedTransactions,
    private readonly producer: Producer<K, V>,
  ) {}

  send(topic: string, records: ProducerRecord<K, V> | ProducerRecord<K, V>[]): Promise<RecordMetadata[]>;
  send(...batches: TopicMessages<K, V>[]): Promise<RecordMetadata[]>;
  send(...args: unknown[]): Promise<RecordMetadata[]> {
    this.ensureActive('send');
    return (this.producer.send as (...a: unknown[]) => Promise<RecordMetadata[]>)(...args);
  }

  sendBatch(topic: string, records: ProducerRecord<K, V>[]): Promise<void>;
  sendBatch(...batches: TopicMessages<K, V>[]): Promise<void>;
  sendBatch(...args: unknown[]): Promise<void> {
    this.ensureActive('send');
    return (this.producer.sendBatch as (...a: unknown[]) => Promise<void>)(...args);
  }

  sendOffsets(options: { consumerGroupId: string; offsets: TopicPartitionOffset[] }): Promise<void> {
    this.ensureActive('sendOffsets');
    return this.owner.sendOffsets(this as never, options.consumerGroupId, options.offsets);
  }

  async commit(): Promise<void> {
    this.ensureActive('commit');
    await this.producer.flush();
    this.active = false;
    if (this.failed !== undefined) {
      await this.owner.end(this as never, false);
      throw this.failed;
    }
    await this.owner.end(this as never, true);
  }

  async abort(): Promise<void> {
    this.ensureActive('abort');
    await this.producer.flush();
    this.active = false;
    await this.owner.end(this as never, false);
  }

  isActive(): boolean {
    return this.active;
  }

  private ensureActive(call: string): void {
    if (!this.active) {
      throw new ClientStateError(
        'CLIENT_CLOSED',
        `${call}() on a transaction that was already committed or aborted; open a new one with producer.transaction()`,
      );
    }
  }
}
