import { describe, expect, it } from 'vitest';
import { array, Schemas, struct } from '../../../src/connect/data/schema.js';
import { DataError } from '../../../src/connect/errors.js';
import { flatten } from '../../../src/connect/transforms/flatten.js';
import { valueToKey } from '../../../src/connect/transforms/value-to-key.js';
import { make, sinkRecord } from './helpers.js';

describe('connect › transforms › ValueToKey', () => {
  it('builds a map key from value fields without a schema', () => {
    const out = make(valueToKey, { fields: 'id,region' }).apply(sinkRecord({ id: 1, region: 'eu', x: 0 }));
    expect(out?.key).toEqual({ id: 1, region: 'eu' });
    expect(out?.keySchema).toBeNull();
  });

  it('builds a struct key with the fields schemas', () => {
    const schema = struct([
      ['id', Schemas.INT64],
      ['name', Schemas.STRING],
    ]);
    const out = make(valueToKey, { fields: ['id'] }).apply(sinkRecord({ id: 9, name: 'n' }, schema));
    expect(out?.keySchema?.fields?.map((f) => [f.name, f.schema])).toEqual([['id', Schemas.INT64]]);
    expect(out?.key).toEqual({ id: 9 });
    expect(() =>
      make(valueToKey, { fields: 'nope' }).apply(sinkRecord({ id: 9, name: 'n' }, schema)),
    ).toThrowError(/Field does not exist: nope/);
  });

  it('refuses a value that is not a map', () => {
    expect(() => make(valueToKey, { fields: 'id' }).apply(sinkRecord('text'))).toThrowError(DataError);
  });
});

describe('connect › transforms › Flatten', () => {
  it('flattens nested maps with the delimiter, keeping arrays', () => {
    const out = make(flatten, { delimiter: '_' }).apply(
      sinkRecord({ a: { b: { c: 1 }, d: [1, 2] }, e: 'x' }),
    );
    expect(out?.value).toEqual({ a_b_c: 1, a_d: [1, 2], e: 'x' });
  });

  it('flattens nested structs; children of an optional struct become optional', () => {
    const address = struct(
      [
        ['city', Schemas.STRING],
        ['zip', Schemas.STRING],
      ],
      { optional: true },
    );
    const schema = struct(
      [
        ['id', Schemas.INT32],
        ['address', address],
        ['tags', array(Schemas.STRING)],
      ],
      { name: 'Customer' },
    );
    const t = make(flatten, {});
    const out = t.apply(sinkRecord({ id: 1, address: { city: 'Oslo', zip: '0150' }, tags: ['a'] }, schema));
    expect(out?.valueSchema?.name).toBe('Customer');
    expect(out?.valueSchema?.fields?.map((f) => [f.name, f.schema.type, f.schema.optional])).toEqual([
      ['id', 'int32', false],
      ['address.city', 'string', true],
      ['address.zip', 'string', true],
      ['tags', 'array', false],
    ]);
    expect(out?.value).toEqual({ id: 1, 'address.city': 'Oslo', 'address.zip': '0150', tags: ['a'] });
    const missing = t.apply(sinkRecord({ id: 2, address: null, tags: [] }, schema));
    expect(missing?.value).toEqual({ id: 2, 'address.city': null, 'address.zip': null, tags: [] });
  });

  it('passes schemaless tombstones', () => {
    const tomb = sinkRecord(null);
    expect(make(flatten, {}).apply(tomb)).toBe(tomb);
  });
});
