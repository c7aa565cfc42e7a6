/**
 * Transaction markers: the one record of a control batch, which ends a producer's transaction on a partition.
 * The batch has the control and transactional attribute bits set and carries the producer's id and epoch; readers
 * never hand it to applications. All integers big-endian.
 *
 * ```
 * ControlRecordKey =>
 *   version  int16   = 0
 *   type     int16   0 ABORT, 1 COMMIT
 *
 * EndTransactionMarker (the record's value) =>
 *   version           int16   = 0
 *   coordinatorEpoch  int32   the coordinator that wrote the marker (always 0 on one node)
 * ```
 */
import { CorruptRecordError } from '../../errors.js';
import type { LogRecord } from '../types.js';
import { Attribute, BatchField } from './batch-layout.js';
import { decodeBatchRecords } from './record-decoder.js';
import { encodeRecordBatch } from './record-encoder.js';

/** Control record types, as in Kafka's `ControlRecordType`. */
export enum ControlType {
  Abort = 0, // the transaction's records are discarded
  Commit = 1, // the transaction's records become visible to read_committed consumers
}

const KEY_BYTES = 4;
const VALUE_BYTES = 6;

/** Encodes a marker batch ending producer `producerId`'s transaction; the log stamps its offset. */
export function encodeControlBatch(
  type: ControlType,
  producerId: number,
  producerEpoch: number,
  now: number,
): Buffer {
  const key = Buffer.alloc(KEY_BYTES);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type, 2);
  const value = Buffer.alloc(VALUE_BYTES); // version 0, coordinator epoch 0
  return encodeRecordBatch([{ key, value, timestamp: now }], {
    now,
    producerId,
    producerEpoch,
    transactional: true,
    control: true,
  });
}

/** True when the batch at `at` is a control batch (a transaction marker). */
export function isControlBatch(buf: Buffer, at: number): boolean {
  return (buf.readInt16BE(at + BatchField.Attributes) & Attribute.Control) !== 0;
}

/** The marker type of the control batch at `at`; throws {@link CorruptRecordError} when its key is not one. */
export function readControlType(buf: Buffer, at: number): ControlType {
  const records: LogRecord[] = [];
  decodeBatchRecords(buf, at, records);
  const key = records[0]?.key;
  if (key == null || key.length < KEY_BYTES || key.readInt16BE(0) !== 0) {
    throw new CorruptRecordError(`control batch at position ${at} has no version 0 control record key`, {
      position: at,
    });
  }
  const type = key.readInt16BE(2);
  if (type !== ControlType.Abort && type !== ControlType.Commit) {
    throw new CorruptRecordError(`control batch at position ${at} has unknown marker type ${type}`, {
      position: at,
    });
  }
  return type;
}
