import { describe, expect, it } from 'vitest';
import { array, primitive, Schemas, struct } from '../../../src/connect/data/schema.js';
import { DataError } from '../../../src/connect/errors.js';
import { cast } from '../../../src/connect/transforms/cast.js';
import { make, sinkRecord } from './helpers.js';

describe('connect › transforms › Cast', () => {
  it('casts schemaless fields: numbers truncate, strings parse, booleans become 1/0', () => {
    const t = make(cast, { spec: 'a:int32,b:float64,c:boolean,d:string,e:int8,f:int64' });
    const out = t.apply(sinkRecord({ a: 3.9, b: '2.5', c: 0, d: 1.5, e: 200, f: true, g: 'untouched' }));
    expect(out?.value).toEqual({ a: 3, b: 2.5, c: false, d: '1.5', e: -56, f: 1, g: 'untouched' });
  });

  it('casts the whole value', () => {
    expect(make(cast, { spec: 'int64' }).apply(sinkRecord('42'))?.value).toBe(42);
    const out = make(cast, { spec: 'string' }).apply(sinkRecord(2, Schemas.FLOAT64));
    expect(out?.value).toBe('2.0');
    expect(out?.valueSchema).toEqual(Schemas.STRING);
  });

  it('changes field types in the schema, keeping optionality and casting defaults', () => {
    const schema = struct([
      ['id', Schemas.STRING],
      ['price', primitive('int32', { optional: true, defaultValue: 7 })],
      ['ok', Schemas.BOOLEAN],
    ]);
    const out = make(cast, { spec: ['id:int64', 'price:float32', 'ok:string'] }).apply(
      sinkRecord({ id: '12', price: null, ok: true }, schema),
    );
    expect(
      out?.valueSchema?.fields?.map((f) => [f.name, f.schema.type, f.schema.optional, f.schema.defaultValue]),
    ).toEqual([
      ['id', 'int64', false, undefined],
      ['price', 'float32', true, 7],
      ['ok', 'string', false, undefined],
    ]);
    expect(out?.value).toEqual({ id: 12, price: 7, ok: 'true' });
  });

  it('writes Timestamp fields as ISO strings in UTC and bytes as base64', () => {
    const schema = struct([
      ['at', Schemas.TIMESTAMP],
      ['raw', Schemas.BYTES],
    ]);
    const out = make(cast, { spec: 'at:string,raw:string' }).apply(
      sinkRecord({ at: new Date(Date.UTC(2024, 0, 31, 8, 5, 3, 7)), raw: Buffer.from('hi') }, schema),
    );
    expect(out?.value).toEqual({ at: '2024-01-31T08:05:03.007Z', raw: 'aGk=' });
  });

  it('rejects an unparsable string and a complex field', () => {
    expect(() => make(cast, { spec: 'a:int32' }).apply(sinkRecord({ a: 'x1' }))).toThrowError(DataError);
    const schema = struct([['tags', array(Schemas.STRING)]]);
    expect(() => make(cast, { spec: 'tags:string' }).apply(sinkRecord({ tags: [] }, schema))).toThrowError(
      /array/,
    );
  });

  it('validates the spec when configured', () => {
    expect(() => make(cast, { spec: 'a:uint8' })).toThrowError(/int8/);
    expect(() => make(cast, { spec: 'int32,a:int8' })).toThrowError(/whole-value/);
  });
});
