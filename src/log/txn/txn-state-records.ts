/**
 * Records of the compacted topic `__transaction_state`: per transactional id, the producer id and epoch it holds and
 * where its current transaction stands. Reopening the log replays the topic to finish what a crash interrupted. All
 * integers big-endian; strings are int16 length + UTF-8. The key is Kafka's; the value is sluice's own (it records
 * where the transaction began in each partition, which Kafka finds from producer snapshots instead).
 *
 * ```
 * TxnStateKey =>
 *   version          int16   = 0
 *   transactionalId  string
 *
 * TxnStateValue =>
 *   version          int16   = 0
 *   producerId       int64
 *   producerEpoch    int16
 *   status           int8    TxnStatus
 *   timestamp        int64   when the record was written
 *   partitionCount   int32
 *   partitions       [TxnPartition]
 *
 * TxnPartition =>
 *   topic            string
 *   partition        int32
 *   firstOffset      int64   the partition's log end when the transaction first wrote to it
 * ```
 */
import { CorruptRecordError } from '../../errors.js';
import { readInt64, writeInt64 } from '../codec/batch-layout.js';

export const TXN_STATE_TOPIC = '__transaction_state';

/** Where a transaction stands; the numbers are stored. */
export enum TxnStatus {
  Empty = 0, // no transaction open: after initTransactions, or once one completed
  Ongoing = 1, // records may have been written to the listed partitions
  PrepareCommit = 2, // committing: markers are being written; reopening finishes the commit
  PrepareAbort = 3, // aborting: reopening finishes the abort
  CompleteCommit = 4,
  CompleteAbort = 5,
}

export interface TxnPartition {
  topic: string;
  partition: number;
  firstOffset: number;
}

export interface TxnStateValue {
  producerId: number;
  producerEpoch: number;
  status: TxnStatus;
  timestamp: number;
  partitions: TxnPartition[];
}

export function encodeTxnStateKey(transactionalId: string): Buffer {
  const id = Buffer.from(transactionalId, 'utf8');
  const out = Buffer.alloc(4 + id.length);
  out.writeInt16BE(0, 0);
  out.writeInt16BE(id.length, 2);
  id.copy(out, 4);
  return out;
}

export function decodeTxnStateKey(key: Buffer): string {
  if (key.length < 4 || key.readInt16BE(0) !== 0) throw corrupt('key');
  const length = key.readInt16BE(2);
  if (4 + length > key.length) throw corrupt('key');
  return key.toString('utf8', 4, 4 + length);
}

export function encodeTxnStateValue(value: TxnStateValue): Buffer {
  const topics = value.partitions.map((p) => Buffer.from(p.topic, 'utf8'));
  let size = 2 + 8 + 2 + 1 + 8 + 4;
  for (const topic of topics) size += 2 + topic.length + 4 + 8;
  const out = Buffer.alloc(size);
  out.writeInt16BE(0, 0);
  writeInt64(out, 2, value.producerId);
  out.writeInt16BE(value.producerEpoch, 10);
  out.writeInt8(value.status, 12);
  writeInt64(out, 13, value.timestamp);
  out.writeInt32BE(value.partitions.length, 21);
  let at = 25;
  value.partitions.forEach((p, i) => {
    out.writeInt16BE(topics[i].length, at);
    topics[i].copy(out, at + 2);
    at += 2 + topics[i].length;
    out.writeInt32BE(p.partition, at);
    writeInt64(out, at + 4, p.firstOffset);
    at += 12;
  });
  return out;
}

export function decodeTxnStateValue(bytes: Buffer): TxnStateValue {
  if (bytes.length < 25 || bytes.readInt16BE(0) !== 0) throw corrupt('value');
  const count = bytes.readInt32BE(21);
  const partitions: TxnPartition[] = [];
  let at = 25;
  for (let i = 0; i < count; i++) {
    if (at + 2 > bytes.length) throw corrupt('value');
    const length = bytes.readInt16BE(at);
    if (at + 2 + length + 12 > bytes.length) throw corrupt('value');
    const topic = bytes.toString('utf8', at + 2, at + 2 + length);
    at += 2 + length;
    partitions.push({ topic, partition: bytes.readInt32BE(at), firstOffset: readInt64(bytes, at + 4) });
    at += 12;
  }
  return {
    producerId: readInt64(bytes, 2),
    producerEpoch: bytes.readInt16BE(10),
    status: bytes.readInt8(12) as TxnStatus,
    timestamp: readInt64(bytes, 13),
    partitions,
  };
}

function corrupt(what: string): CorruptRecordError {
  return new CorruptRecordError(`a ${TXN_STATE_TOPIC} record has a malformed ${what}`, {});
}
