import { CorruptRecordError } from '../../errors.js';
import { decodeBatches } from '../codec/record-batch.js';
import type { PartitionLog } from '../partition-log.js';
import type { LogRecord, TopicConfig } from '../types.js';
import type { TxnHost } from './transaction-coordinator.js';
import { TXN_STATE_TOPIC } from './txn-state-records.js';

/** What the log lends its transaction coordinator: its clock, its partitions, and topic creation. */
export interface TxnLogAccess {
  now(): number;
  hasTopic(name: string): boolean;
  /** Creates the topic unless it exists (a concurrent creation is fine). */
  ensureTopic(name: string, options: { partitions: number; config: Partial<TopicConfig> }): Promise<void>;
  partition(topic: string, partition: number): PartitionLog;
}

/** The {@link TxnHost} of a log: transaction state lives in the compacted topic `__transaction_state`. */
export function txnHostOf(log: TxnLogAccess): TxnHost {
  return {
    now: () => log.now(),
    appendState: async (key, value, durable) => {
      await log.ensureTopic(TXN_STATE_TOPIC, { partitions: 1, config: { 'cleanup.policy': 'compact' } });
      await log.partition(TXN_STATE_TOPIC, 0).append([{ key, value }], durable ? 'all' : 1);
    },
    readState: async () => (log.hasTopic(TXN_STATE_TOPIC) ? readAll(log.partition(TXN_STATE_TOPIC, 0)) : []),
    nextOffset: (topic, partition) => log.partition(topic, partition).nextOffset,
    writeMarker: (topic, partition, producerId, producerEpoch, commit, firstOffset) =>
      log.partition(topic, partition).writeMarker(producerId, producerEpoch, commit, firstOffset),
  };
}

/** Every record of a partition, from its start to its end (small internal topics only). */
async function readAll(p: PartitionLog): Promise<LogRecord[]> {
  const all: LogRecord[] = [];
  for (let offset = p.logStartOffset; offset < p.nextOffset; ) {
    let read: Awaited<ReturnType<PartitionLog['read']>>;
    try {
      read = await p.read(offset, {});
    } catch (err) {
      // A damaged batch: the records after it still count.
      const next = err instanceof CorruptRecordError ? err.nextOffset : undefined;
      if (next === undefined || next <= offset) throw err;
      offset = next;
      continue;
    }
    all.push(...decodeBatches(read.records, { fromOffset: offset }));
    if (read.next <= offset) break;
    offset = read.next;
  }
  return all;
}
