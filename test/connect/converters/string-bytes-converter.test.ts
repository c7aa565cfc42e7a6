import { describe, expect, it } from 'vitest';
import { BytesConverter } from '../../../src/connect/converters/bytes-converter.js';
import { createConverter, findConverter } from '../../../src/connect/converters/registry.js';
import { StringConverter } from '../../../src/connect/converters/string-converter.js';
import { Schemas } from '../../../src/connect/data/schema.js';
import { ConfigError } from '../../../src/errors.js';

describe('connect › converters › string', () => {
  const c = new StringConverter('utf8');
  it('writes text and reads it back as an optional string', () => {
    expect(c.fromConnectData('t', Schemas.STRING, 'héllo')?.toString('utf8')).toBe('héllo');
    expect(c.fromConnectData('t', null, 42)?.toString()).toBe('42');
    expect(c.fromConnectData('t', null, { a: 1 })?.toString()).toBe('{"a":1}');
    expect(c.toConnectData('t', Buffer.from('x'))).toEqual({ schema: Schemas.OPTIONAL_STRING, value: 'x' });
  });
  it('keeps null as null', () => {
    expect(c.fromConnectData('t', null, null)).toBeNull();
    expect(c.toConnectData('t', null).value).toBeNull();
  });
});

describe('connect › converters › bytes', () => {
  const c = new BytesConverter();
  it('passes bytes through and refuses other schemas', () => {
    const b = Buffer.from([1, 2, 3]);
    expect(c.fromConnectData('t', Schemas.BYTES, b)).toBe(b);
    expect(c.toConnectData('t', b)).toEqual({ schema: Schemas.OPTIONAL_BYTES, value: b });
    expect(() => c.fromConnectData('t', Schemas.STRING, 'x')).toThrowError(/ByteArrayConverter/);
  });
});

describe('connect › converters › registry', () => {
  it("accepts Kafka's class names as aliases", () => {
    expect(findConverter('org.apache.kafka.connect.json.JsonConverter').name).toBe('json');
    expect(findConverter('org.apache.kafka.connect.storage.StringConverter').name).toBe('string');
    expect(findConverter('org.apache.kafka.connect.converters.ByteArrayConverter').name).toBe('bytes');
  });

  it('passes prefixed keys to the converter', () => {
    const c = createConverter(
      { 'value.converter': 'json', 'value.converter.schemas.enable': 'false' },
      'value.converter',
      'json',
      'connector "c"',
    );
    expect(c.fromConnectData('t', Schemas.INT32, 5)?.toString()).toBe('5');
  });

  it('suggests the nearest key for a typo in a converter key', () => {
    expect(() =>
      createConverter(
        { 'value.converter': 'json', 'value.converter.schema.enable': false },
        'value.converter',
        'json',
        'connector "c"',
      ),
    ).toThrowError(/did you mean "schemas.enable"/);
    expect(() => createConverter({ 'key.converter': 'jsn' }, 'key.converter', 'json', 'c')).toThrowError(
      ConfigError,
    );
  });
});
