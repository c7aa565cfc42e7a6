import { describe, expect, it } from 'vitest';
import { LogicalType, Schemas, struct } from '../../../src/connect/data/schema.js';
import { DataError } from '../../../src/connect/errors.js';
import { insertField } from '../../../src/connect/transforms/insert-field.js';
import { make, sinkRecord, sourceRecord } from './helpers.js';

const all = {
  'topic.field': 'topic',
  'partition.field': 'partition!',
  'offset.field': 'offset',
  'timestamp.field': 'ts',
  'static.field': 'origin',
  'static.value': 'sluice',
};

describe('connect › transforms › InsertField', () => {
  it('inserts metadata into a schemaless value', () => {
    const out = make(insertField, all).apply(sinkRecord({ id: 1 }));
    expect(out?.value).toEqual({
      id: 1,
      topic: 'orders',
      partition: 2,
      offset: 42,
      ts: 1_700_000_000_000,
      origin: 'sluice',
    });
  });

  it('appends fields to the struct schema with their optionality, timestamp as a logical Timestamp', () => {
    const schema = struct([['id', Schemas.INT32]], { name: 'Order' });
    const out = make(insertField, all).apply(sinkRecord({ id: 1 }, schema));
    const fields = out?.valueSchema?.fields?.map((f) => [
      f.name,
      f.schema.type,
      f.schema.optional,
      f.schema.name,
    ]);
    expect(fields).toEqual([
      ['id', 'int32', false, undefined],
      ['topic', 'string', true, undefined],
      ['partition', 'int32', false, undefined],
      ['offset', 'int64', true, undefined],
      ['ts', 'int64', true, LogicalType.Timestamp],
      ['origin', 'string', true, undefined],
    ]);
    expect(out?.valueSchema?.name).toBe('Order');
    expect(out?.value).toEqual({
      id: 1,
      topic: 'orders',
      partition: 2,
      offset: 42,
      ts: new Date(1_700_000_000_000),
      origin: 'sluice',
    });
  });

  it('works on the key with $Key', () => {
    const out = make(insertField, { 'topic.field': 't' }, 'key').apply(
      sourceRecord('v', null, { key: { k: 1 } }),
    );
    expect(out?.key).toEqual({ k: 1, t: 'orders' });
    expect(out?.value).toBe('v');
  });

  it('refuses the offset field on source records, which have no Kafka offset', () => {
    expect(() => make(insertField, { 'offset.field': 'o' }).apply(sourceRecord({ a: 1 }))).toThrowError(
      DataError,
    );
  });

  it('lets tombstones through and refuses non-map values', () => {
    const t = make(insertField, all);
    const tomb = sinkRecord(null);
    expect(t.apply(tomb)).toBe(tomb);
    expect(() => t.apply(sinkRecord('text'))).toThrowError(/Only Map objects/);
  });

  it('keeps the source offset of the record', () => {
    const out = make(insertField, { 'topic.field': 't' }).apply(sourceRecord({}));
    expect(out?.sourceOffset).toEqual({ position: 10 });
  });
});
