import { describe, expect, it } from 'vitest';
import { serdes } from '../../src/client/index.js';
import { BadInputError } from '../../src/errors.js';
import { Serdes } from '../../src/streams/index.js';

describe('client › serde', () => {
  it('json round-trips objects and keeps null as a tombstone', () => {
    const serde = serdes.json<{ id: number; tags: string[] }>();
    const value = { id: 7, tags: ['a', 'ü'] };
    const bytes = serde.serialize(value, 't');
    expect(bytes?.toString('utf8')).toBe('{"id":7,"tags":["a","ü"]}');
    expect(serde.deserialize(bytes, 't')).toEqual(value);
    expect(serde.serialize(null, 't')).toBeNull();
    expect(serde.deserialize(null, 't')).toBeNull();
  });

  it('json names the topic when bytes are not JSON', () => {
    const serde = serdes.json<unknown>();
    expect(() => serde.deserialize(Buffer.from('{oops'), 'orders')).toThrow(BadInputError);
    expect(() => serde.deserialize(Buffer.from('{oops'), 'orders')).toThrow(
      /topic "orders" is not valid JSON/,
    );
  });

  it('json keeps integers beyond 2^53 exact, as bigints, in the client and the Streams serde', () => {
    const value = {
      id: 1_234_567_890_123_456_789n,
      n: 42,
      ok: 9007199254740991,
      digits: '12345678901234567',
    };
    for (const serde of [serdes.json<unknown>(), Serdes.json<unknown>()]) {
      const bytes = serde.serialize(value, 't');
      expect(bytes?.toString('utf8')).toBe(
        '{"id":1234567890123456789,"n":42,"ok":9007199254740991,"digits":"12345678901234567"}',
      );
      expect(serde.deserialize(bytes, 't')).toEqual(value);
      expect(() => serde.deserialize(Buffer.from('{"id":12345678901234567890'), 'orders')).toThrow(
        /topic "orders" is not valid JSON/,
      );
    }
  });

  it('string and bytes encode UTF-8; buffer passes bytes through', () => {
    expect(serdes.string.serialize('héllo', 't')).toEqual(Buffer.from('héllo', 'utf8'));
    expect(serdes.string.deserialize(Buffer.from('héllo', 'utf8'), 't')).toBe('héllo');
    expect(serdes.bytes.serialize('x', 't')).toEqual(Buffer.from('x'));
    const raw = Buffer.from([0, 255]);
    expect(serdes.bytes.serialize(raw, 't')).toBe(raw);
    expect(serdes.buffer.deserialize(raw, 't')).toBe(raw);
  });
});
