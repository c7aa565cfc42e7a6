import { describe, expect, it } from 'vitest';
import { primitive, Schemas, struct } from '../../../src/connect/data/schema.js';
import { replaceField } from '../../../src/connect/transforms/replace-field.js';
import { make, sinkRecord } from './helpers.js';

const schema = struct([
  ['id', Schemas.INT32],
  ['name', Schemas.STRING],
  ['secret', Schemas.STRING],
  ['n', primitive('int32', { optional: true, defaultValue: 5 })],
]);

describe('connect › transforms › ReplaceField', () => {
  it('excludes and renames fields without a schema', () => {
    const t = make(replaceField, { exclude: 'secret', renames: 'name:full_name' });
    expect(t.apply(sinkRecord({ id: 1, name: 'a', secret: 's' }))?.value).toEqual({ id: 1, full_name: 'a' });
  });

  it('keeps only included fields; exclude wins over include', () => {
    const t = make(replaceField, { include: ['id', 'secret'], exclude: ['secret'] });
    expect(t.apply(sinkRecord({ id: 1, name: 'a', secret: 's' }))?.value).toEqual({ id: 1 });
  });

  it('rebuilds the struct schema in field order with renamed fields', () => {
    const t = make(replaceField, { exclude: 'secret', renames: 'id:order_id' });
    const out = t.apply(sinkRecord({ id: 1, name: 'a', secret: 's', n: null }, schema));
    expect(out?.valueSchema?.fields?.map((f) => f.name)).toEqual(['order_id', 'name', 'n']);
    expect(out?.value).toEqual({ order_id: 1, name: 'a', n: 5 });
  });

  it('keeps null instead of the default with replace.null.with.default=false', () => {
    const t = make(replaceField, { exclude: 'secret', 'replace.null.with.default': 'false' });
    expect(t.apply(sinkRecord({ id: 1, name: 'a', secret: 's', n: null }, schema))?.value).toEqual({
      id: 1,
      name: 'a',
      n: null,
    });
  });

  it('accepts the deprecated blacklist and whitelist names', () => {
    expect(make(replaceField, { blacklist: 'b' }).apply(sinkRecord({ a: 1, b: 2 }))?.value).toEqual({ a: 1 });
    expect(make(replaceField, { whitelist: 'b' }).apply(sinkRecord({ a: 1, b: 2 }))?.value).toEqual({ b: 2 });
  });

  it('rejects a malformed rename and passes tombstones', () => {
    expect(() => make(replaceField, { renames: 'a-b' })).toThrowError(/from:to/);
    const tomb = sinkRecord(null, schema);
    expect(make(replaceField, { exclude: 'id' }).apply(tomb)).toBe(tomb);
  });
});
