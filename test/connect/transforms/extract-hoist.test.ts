import { describe, expect, it } from 'vitest';
import { primitive, Schemas, struct } from '../../../src/connect/data/schema.js';
import { extractField } from '../../../src/connect/transforms/extract-field.js';
import { hoistField } from '../../../src/connect/transforms/hoist-field.js';
import { make, sinkRecord, sourceRecord } from './helpers.js';

describe('connect › transforms › ExtractField', () => {
  it('replaces a schemaless value with one of its entries', () => {
    expect(make(extractField, { field: 'id' }).apply(sinkRecord({ id: 7, x: 1 }))?.value).toBe(7);
    expect(make(extractField, { field: 'missing' }).apply(sinkRecord({ id: 7 }))?.value).toBeNull();
  });

  it("takes the field's schema with a struct", () => {
    const schema = struct([
      ['id', Schemas.INT64],
      ['n', primitive('string', { optional: true, defaultValue: 'd' })],
    ]);
    const out = make(extractField, { field: 'id' }, 'key').apply(
      sourceRecord('v', null, { key: { id: 3, n: null }, keySchema: schema }),
    );
    expect(out?.key).toBe(3);
    expect(out?.keySchema).toEqual(Schemas.INT64);
    const n = make(extractField, { field: 'n' }).apply(sinkRecord({ id: 3, n: null }, schema));
    expect(n?.value).toBe('d');
  });

  it('follows dotted paths with field.syntax.version=V2', () => {
    const inner = struct([['id', Schemas.INT32]]);
    const schema = struct([['after', inner]]);
    const t = make(extractField, { field: 'after.id', 'field.syntax.version': 'V2' });
    expect(t.apply(sinkRecord({ after: { id: 9 } }, schema))?.value).toBe(9);
    expect(t.apply(sinkRecord({ after: { id: 4 } }))?.value).toBe(4);
  });

  it('rejects an unknown struct field and keeps null as null', () => {
    const schema = struct([['id', Schemas.INT32]]);
    expect(() => make(extractField, { field: 'x' }).apply(sinkRecord({ id: 1 }, schema))).toThrowError(
      /Unknown field: x/,
    );
    expect(make(extractField, { field: 'id' }).apply(sinkRecord(null, schema))?.value).toBeNull();
  });
});

describe('connect › transforms › HoistField', () => {
  it('wraps a schemaless value in a map', () => {
    expect(make(hoistField, { field: 'line' }).apply(sinkRecord('hello'))?.value).toEqual({ line: 'hello' });
  });

  it('wraps a value with a schema in a one-field struct', () => {
    const out = make(hoistField, { field: 'line' }).apply(sinkRecord('hello', Schemas.STRING));
    expect(out?.valueSchema?.type).toBe('struct');
    expect(out?.valueSchema?.fields?.map((f) => [f.name, f.schema])).toEqual([['line', Schemas.STRING]]);
    expect(out?.value).toEqual({ line: 'hello' });
  });

  it('wraps the key with $Key', () => {
    const out = make(hoistField, { field: 'k' }, 'key').apply(sinkRecord('v', null, { key: 5 }));
    expect(out?.key).toEqual({ k: 5 });
  });
});
