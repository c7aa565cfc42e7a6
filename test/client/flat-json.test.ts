import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../src/client/exact-json.js';
import { parseFlatJson } from '../../src/client/flat-json.js';

/** JSON.parse's outcome: the value, or the fact that it threw. */
function reference(text: string): { value: unknown } | 'throws' {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return 'throws';
  }
}

/** Same value and same key order as JSON.parse, or no answer at all (left to JSON.parse). */
function expectAgrees(text: string): void {
  const flat = parseFlatJson(text);
  if (flat === undefined) return;
  const ref = reference(text);
  expect(ref).not.toBe('throws');
  const value = (ref as { value: unknown }).value;
  expect(flat).toStrictEqual(value);
  expect(Object.keys(flat)).toEqual(Object.keys(value as object));
  for (const k of Object.keys(flat))
    expect(Object.is(flat[k], (value as Record<string, unknown>)[k])).toBe(true);
}

// Few distinct keys, so that objects share keys, prefixes of keys and positions of keys, as records of a topic do.
const key = fc.oneof(
  fc.constantFrom('id', 'i', 'idx', 'name', 'na', '0', '10', 'a b', 'ü', '"', 'constructor', ''),
  fc.string({ maxLength: 6 }),
);
const scalar = fc.oneof(
  fc.string(),
  fc.string({ unit: fc.constantFrom('a', '1', '\\', '"', '\n', 'é', '\u2028', '\ud800') }),
  fc.double(),
  fc.integer(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(Number),
  fc.boolean(),
  fc.constant(null),
);
const flatObject = fc.dictionary(key, scalar, { maxKeys: 12 });

describe('client › flat-json', () => {
  it('parses flat objects as JSON.parse does, however they are spaced', () => {
    fc.assert(
      fc.property(flatObject, fc.constantFrom(undefined, 1, '\t', ' \r\n'), (obj, space) => {
        const text = JSON.stringify(obj, null, space);
        expectAgrees(text);
        expectAgrees(` ${text}\n`);
      }),
      { numRuns: 2000 },
    );
  });

  it('answers for the common record and leaves nested values, escapes and big integers to JSON.parse', () => {
    expect(parseFlatJson('{"id":"7","n":-1.5e3,"ok":true,"no":false,"x":null}')).toEqual({
      id: '7',
      n: -1500,
      ok: true,
      no: false,
      x: null,
    });
    expect(parseFlatJson('{}')).toEqual({});
    expect(parseFlatJson('{"a":{"b":1}}')).toBeUndefined();
    expect(parseFlatJson('{"a":[1]}')).toBeUndefined();
    expect(parseFlatJson('{"a":"x\\ny"}')).toBeUndefined();
    expect(parseFlatJson('{"a":9007199254740993}')).toBeUndefined();
    expect(parseFlatJson('[1,2]')).toBeUndefined();
    expect(parseFlatJson('"text"')).toBeUndefined();
  });

  it('agrees with JSON.parse on any JSON text, and answers nothing where JSON.parse throws', () => {
    fc.assert(
      fc.property(fc.json(), (text) => expectAgrees(text)),
      { numRuns: 2000 },
    );
    const broken = fc
      .tuple(
        flatObject,
        fc.nat(),
        fc.constantFrom('', ',', '}', '{', '"', ':', '-', '0', '.', 'e', 'tru', ' ', '\t', '\u0001', '\\'),
      )
      .map(([obj, at, junk]) => {
        const text = JSON.stringify(obj);
        const i = at % (text.length + 1);
        return text.slice(0, i) + junk + text.slice(i);
      });
    fc.assert(
      fc.property(broken, (text) => expectAgrees(text)),
      { numRuns: 5000 },
    );
    const truncated = fc
      .tuple(flatObject, fc.nat())
      .map(([obj, at]) => JSON.stringify(obj).slice(0, at % (JSON.stringify(obj).length + 1)));
    fc.assert(
      fc.property(truncated, (text) => expectAgrees(text)),
      { numRuns: 2000 },
    );
    for (const text of ['{"a":1', '{"a":-', '{"a":1.5', '{"a":1e5', '{"a":"x', '{"a"', '{']) {
      expect(parseFlatJson(text)).toBeUndefined();
    }
    for (const text of [
      '{"a":01}',
      '{"a":1.}',
      '{"a":.5}',
      '{"a":1e}',
      '{"a":-}',
      '{"a":1,}',
      '{,}',
      '{"a" 1}',
    ]) {
      expect(parseFlatJson(text)).toBeUndefined();
    }
  });

  it('parses objects wider than the keys it keeps from the last one', () => {
    const wide = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`k${i}`, i % 2 ? `v${i}` : i]));
    const text = JSON.stringify(wide);
    expect(parseFlatJson(text)).toStrictEqual(wide);
    expect(parseFlatJson(text)).toStrictEqual(wide);
    expectAgrees(JSON.stringify({ k0: 'a', k1: 'b' }));
  });

  it('leaves a __proto__ key to JSON.parse, which makes it an own property', () => {
    const text = '{"__proto__":"x","a":1}';
    expect(parseFlatJson(text)).toBeUndefined();
    const value = parseJson(text) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
  });

  it('keeps parseJson exact for integers beyond 2^53 in flat objects', () => {
    expect(parseJson('{"id":12345678901234567890,"n":1}')).toEqual({ id: 12345678901234567890n, n: 1 });
    expect(parseJson('{"id":"a","n":9007199254740991}')).toEqual({ id: 'a', n: 9007199254740991 });
  });
});
