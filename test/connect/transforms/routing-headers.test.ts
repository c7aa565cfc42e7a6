import { describe, expect, it } from 'vitest';
import { Schemas, struct } from '../../../src/connect/data/schema.js';
import { dropHeaders } from '../../../src/connect/transforms/drop-headers.js';
import { filter } from '../../../src/connect/transforms/filter.js';
import { headerFrom } from '../../../src/connect/transforms/header-from.js';
import { insertHeader } from '../../../src/connect/transforms/insert-header.js';
import { regexRouter } from '../../../src/connect/transforms/regex-router.js';
import { make, sinkRecord } from './helpers.js';

describe('connect › transforms › RegexRouter', () => {
  it('renames topics that match in full, with $n groups', () => {
    const t = make(regexRouter, { regex: '(.*)customers_(.*)', replacement: '$2' });
    expect(t.apply(sinkRecord('v', null, { topic: 'db.customers_eu' }))?.topic).toBe('eu');
    expect(t.apply(sinkRecord('v', null, { topic: 'orders' }))?.topic).toBe('orders');
  });

  it("accepts Java's ${n} and ${name} group references", () => {
    const t = make(regexRouter, { regex: '(?<db>\\w+)\\.(\\w+)', replacement: '${2}-${db}' });
    expect(t.apply(sinkRecord('v', null, { topic: 'shop.orders' }))?.topic).toBe('orders-shop');
  });

  it('only matches the whole topic', () => {
    const t = make(regexRouter, { regex: 'order', replacement: 'x' });
    expect(t.apply(sinkRecord('v', null, { topic: 'orders' }))?.topic).toBe('orders');
  });

  it('rejects an invalid regex when configured', () => {
    expect(() => make(regexRouter, { regex: '(', replacement: 'x' })).toThrowError(/regular expression/);
  });
});

describe('connect › transforms › Filter', () => {
  it('drops every record', () => {
    expect(make(filter, {}).apply(sinkRecord('v'))).toBeNull();
  });
});

describe('connect › transforms › InsertHeader / DropHeaders', () => {
  it('adds a header with an inferred type', () => {
    const out = make(insertHeader, { header: 'version', 'value.literal': '3' }).apply(sinkRecord('v'));
    expect(out?.headers).toEqual([{ key: 'version', value: 3, schema: Schemas.INT8 }]);
    const s = make(insertHeader, { header: 'app', 'value.literal': 'sluice' }).apply(sinkRecord('v'));
    expect(s?.headers?.[0]).toEqual({ key: 'app', value: 'sluice', schema: Schemas.STRING });
  });

  it('drops every header with a listed name', () => {
    const record = sinkRecord('v', null, {
      headers: [
        { key: 'a', value: 1 },
        { key: 'b', value: 2 },
        { key: 'a', value: 3 },
      ],
    });
    expect(make(dropHeaders, { headers: 'a' }).apply(record)?.headers).toEqual([{ key: 'b', value: 2 }]);
  });
});

describe('connect › transforms › HeaderFrom', () => {
  it('copies schemaless fields into headers', () => {
    const out = make(headerFrom, { fields: 'id', headers: 'x-id' }).apply(sinkRecord({ id: 1, a: 2 }));
    expect(out?.headers).toEqual([{ key: 'x-id', value: 1, schema: null }]);
    expect(out?.value).toEqual({ id: 1, a: 2 });
  });

  it('moves struct fields into headers with their schema and drops them from the struct', () => {
    const schema = struct([
      ['id', Schemas.INT32],
      ['trace', Schemas.STRING],
    ]);
    const t = make(headerFrom, { fields: 'trace', headers: 'trace-id', operation: 'move' }, 'value');
    const out = t.apply(sinkRecord({ id: 1, trace: 'abc' }, schema));
    expect(out?.headers).toEqual([{ key: 'trace-id', value: 'abc', schema: Schemas.STRING }]);
    expect(out?.valueSchema?.fields?.map((f) => f.name)).toEqual(['id']);
    expect(out?.value).toEqual({ id: 1 });
  });

  it('needs as many headers as fields', () => {
    expect(() => make(headerFrom, { fields: 'a,b', headers: 'x' })).toThrowError(/same number/);
  });
});
