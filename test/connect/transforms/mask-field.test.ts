import { describe, expect, it } from 'vitest';
import { array, Schemas, struct } from '../../../src/connect/data/schema.js';
import { DataError } from '../../../src/connect/errors.js';
import { maskField } from '../../../src/connect/transforms/mask-field.js';
import { make, sinkRecord } from './helpers.js';

describe('connect › transforms › MaskField', () => {
  it('masks schemaless values with the empty value of their type', () => {
    const t = make(maskField, { fields: 'n,f,b,s,d,l,m,keep' });
    const value = {
      n: 5,
      f: 1.5,
      b: true,
      s: 'x',
      d: new Date(5),
      l: [1],
      m: { a: 1 },
      keep: null,
      other: 'o',
    };
    expect(t.apply(sinkRecord(value))?.value).toEqual({
      n: 0,
      f: 0,
      b: false,
      s: '',
      d: new Date(0),
      l: [],
      m: {},
      keep: null,
      other: 'o',
    });
  });

  it('masks struct fields by their schema type and keeps the schema', () => {
    const schema = struct([
      ['id', Schemas.INT64],
      ['ssn', Schemas.STRING],
      ['tags', array(Schemas.STRING)],
      ['at', Schemas.TIMESTAMP],
    ]);
    const out = make(maskField, { fields: ['ssn', 'tags', 'at'] }).apply(
      sinkRecord({ id: 1, ssn: '123', tags: ['a'], at: new Date(99) }, schema),
    );
    expect(out?.valueSchema).toBe(schema);
    expect(out?.value).toEqual({ id: 1, ssn: '', tags: [], at: new Date(0) });
  });

  it('uses a replacement converted to the field type', () => {
    const schema = struct([
      ['ssn', Schemas.STRING],
      ['pin', Schemas.INT32],
    ]);
    const out = make(maskField, { fields: 'ssn,pin', replacement: '0000' }).apply(
      sinkRecord({ ssn: '123', pin: 42 }, schema),
    );
    expect(out?.value).toEqual({ ssn: '0000', pin: 0 });
    expect(
      make(maskField, { fields: 'x', replacement: '***' }).apply(sinkRecord({ x: 'secret' }))?.value,
    ).toEqual({ x: '***' });
  });

  it('refuses a replacement that does not fit the type', () => {
    const t = make(maskField, { fields: 'n,b', replacement: 'abc' });
    expect(() => t.apply(sinkRecord({ n: 1 }))).toThrowError(DataError);
    expect(() => t.apply(sinkRecord({ b: true }))).toThrowError(/custom replacement/);
  });

  it('needs at least one field', () => {
    expect(() => make(maskField, { fields: '' })).toThrowError(/at least one/);
  });
});
