import { describe, expect, it } from 'vitest';
import { Attribute, BatchField } from '../../../src/log/codec/batch-layout.js';
import {
  ControlType,
  encodeControlBatch,
  isControlBatch,
  readControlType,
} from '../../../src/log/codec/control-record.js';
import { decodeBatches, readBatchHeader, verifyBatch } from '../../../src/log/codec/record-batch.js';
import {
  decodeTxnStateKey,
  decodeTxnStateValue,
  encodeTxnStateKey,
  encodeTxnStateValue,
  TxnStatus,
} from '../../../src/log/txn/txn-state-records.js';

describe('log › txn › control records', () => {
  it('encodes a commit marker as a control, transactional batch of one record with key version 0, type 1', () => {
    const batch = encodeControlBatch(ControlType.Commit, 42, 3, 1_700_000_000_000);
    verifyBatch(batch, 0);
    const header = readBatchHeader(batch, 0);
    expect(header.attributes & Attribute.Control).toBe(Attribute.Control);
    expect(header.attributes & Attribute.Transactional).toBe(Attribute.Transactional);
    expect(header.producerId).toBe(42);
    expect(header.producerEpoch).toBe(3);
    expect(header.recordCount).toBe(1);
    expect(header.lastOffsetDelta).toBe(0);
    const [record] = decodeBatches(batch, { includeControl: true });
    expect([...record.key!]).toEqual([0, 0, 0, 1]);
    // EndTransactionMarker: version 0, coordinator epoch 0.
    expect([...record.value!]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(isControlBatch(batch, 0)).toBe(true);
    expect(readControlType(batch, 0)).toBe(ControlType.Commit);
  });

  it('encodes an abort marker with type 0, and readers that skip control batches never see it', () => {
    const batch = encodeControlBatch(ControlType.Abort, 7, 0, 1);
    expect(readControlType(batch, 0)).toBe(ControlType.Abort);
    expect(batch.readInt16BE(BatchField.Attributes)).toBe(Attribute.Control | Attribute.Transactional);
    expect(decodeBatches(batch)).toEqual([]);
  });

  it('round-trips a __transaction_state key and value', () => {
    expect(decodeTxnStateKey(encodeTxnStateKey('app-1'))).toBe('app-1');
    const value = {
      producerId: 2 ** 40 + 5,
      producerEpoch: 12,
      status: TxnStatus.PrepareCommit,
      timestamp: 1_700_000_000_123,
      partitions: [
        { topic: 'orders', partition: 3, firstOffset: 1234 },
        { topic: 'ünïcode', partition: 0, firstOffset: 0 },
      ],
    };
    expect(decodeTxnStateValue(encodeTxnStateValue(value))).toEqual(value);
  });
});
