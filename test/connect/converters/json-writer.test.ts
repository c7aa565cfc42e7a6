import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { javaDouble, stringify } from '../../../src/connect/converters/java-json.js';
import { connectToJson, JsonConverter } from '../../../src/connect/converters/json-converter.js';
import { Schemas, struct } from '../../../src/connect/data/schema.js';

const plain = new JsonConverter(false);
const withSchemas = new JsonConverter(true);
const text = (b: Buffer | null) => b?.toString('utf8');

/** Decimals as sources read them (prices, measures): few decimals, in and around Java's plain range. */
const decimals = fc
  .tuple(fc.integer({ min: -(10 ** 13), max: 10 ** 13 }), fc.integer({ min: 0, max: 9 }))
  .map(([digits, scale]) => digits / 10 ** scale);

describe('connect › converters › json › bytes written directly', () => {
  const one = struct([['x', Schemas.FLOAT64]]);

  it("spells doubles as Java's Double.toString, in the plain range and outside it", () => {
    fc.assert(
      fc.property(fc.oneof(decimals, fc.double({ noNaN: true, noDefaultInfinity: true })), (x) => {
        expect(text(plain.fromConnectData('t', one, { x }))).toBe(`{"x":${javaDouble(x)}}`);
        const inferred = Number.isInteger(x) ? String(x) : javaDouble(x);
        expect(text(plain.fromConnectData('t', null, { x }))).toBe(`{"x":${inferred}}`);
      }),
      { numRuns: 2000 },
    );
    expect(text(plain.fromConnectData('t', one, { x: 123.45 }))).toBe('{"x":123.45}');
    expect(text(plain.fromConnectData('t', one, { x: -0.001 }))).toBe('{"x":-0.001}');
    expect(text(plain.fromConnectData('t', one, { x: 0.1 + 0.2 }))).toBe('{"x":0.30000000000000004}');
  });

  it('writes schemaless values as their inferred JSON tree', () => {
    const values = fc.anything({
      withBigInt: true,
      withDate: true,
      withMap: true,
      withTypedArray: true,
      withNullPrototype: true,
      withObjectString: true,
    });
    fc.assert(
      fc.property(values, (value) => {
        if (value === null || value === undefined) return;
        let tree: string;
        try {
          tree = stringify(connectToJson(null, value));
        } catch (err) {
          expect(() => plain.fromConnectData('t', null, value)).toThrow((err as Error).message);
          return;
        }
        expect(text(plain.fromConnectData('t', null, value))).toBe(tree);
        expect(text(withSchemas.fromConnectData('t', null, value))).toBe(`{"schema":null,"payload":${tree}}`);
      }),
      { numRuns: 1000 },
    );
  });

  it('writes records larger than a slab whole, and earlier records keep their bytes', () => {
    const s = struct([
      ['id', Schemas.INT64],
      ['text', Schemas.STRING],
    ]);
    const first = plain.fromConnectData('t', s, { id: 1, text: 'first' })!;
    const texts = [10, 40_000, 100, 200_000, 5, 70_000, 8000, 3000].flatMap((n) => [
      'x'.repeat(n),
      'a "quoted" é\n'.repeat(Math.ceil(n / 14)),
    ]);
    const written = texts.map((t, i) => withSchemas.fromConnectData('t', s, { id: i, text: t })!);
    for (const [i, b] of written.entries()) {
      const tree = stringify(connectToJson(s, { id: i, text: texts[i] }));
      expect(JSON.parse(text(b)!).payload).toEqual(JSON.parse(tree));
      expect(text(b)!.endsWith(`"payload":${tree}}`)).toBe(true);
    }
    expect(text(first)).toBe('{"id":1,"text":"first"}');
  });
});
