import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { javaDouble, stringify } from '../../../src/connect/converters/java-json.js';
import { connectToJson, JsonConverter } from '../../../src/connect/converters/json-converter.js';
import { JsonBytes } from '../../../src/connect/data/json-bytes.js';
import { array, map, primitive, Schemas, struct } from '../../../src/connect/data/schema.js';
import { DataError } from '../../../src/connect/errors.js';

const withSchemas = new JsonConverter(true);
const plain = new JsonConverter(false);
const text = (b: Buffer | null) => b?.toString('utf8');

const user = struct(
  [
    ['id', Schemas.INT32],
    ['name', Schemas.OPTIONAL_STRING],
    ['score', Schemas.FLOAT64],
  ],
  { name: 'com.example.User' },
);

describe('connect › converters › json › fromConnectData', () => {
  it("writes Kafka's envelope byte for byte: key order, compact, doubles with a decimal point", () => {
    const bytes = withSchemas.fromConnectData('t', user, { id: 1, name: 'ann', score: 2 });
    expect(text(bytes)).toBe(
      '{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},' +
        '{"type":"string","optional":true,"field":"name"},{"type":"double","optional":false,"field":"score"}],' +
        '"optional":false,"name":"com.example.User"},"payload":{"id":1,"name":"ann","score":2.0}}',
    );
  });

  it('writes the payload alone when schemas.enable=false', () => {
    expect(text(plain.fromConnectData('t', user, { id: 1, name: null, score: 0.5 }))).toBe(
      '{"id":1,"name":null,"score":0.5}',
    );
  });

  it('writes schemaless data with a null schema in the envelope', () => {
    expect(text(withSchemas.fromConnectData('t', null, { a: [1, 'x'] }))).toBe(
      '{"schema":null,"payload":{"a":[1,"x"]}}',
    );
  });

  it("writes a value given as its JSON bytes as they are, in the envelope of the record's schema", () => {
    const value = { id: 1, name: 'ann', score: 2 };
    const bytes = new JsonBytes(plain.fromConnectData('t', user, value)!);
    expect(text(withSchemas.fromConnectData('t', user, bytes))).toBe(
      text(withSchemas.fromConnectData('t', user, value)),
    );
    expect(text(plain.fromConnectData('t', user, bytes))).toBe('{"id":1,"name":"ann","score":2.0}');
    expect(text(withSchemas.fromConnectData('t', null, new JsonBytes(Buffer.from('{"a":1}'))))).toBe(
      '{"schema":null,"payload":{"a":1}}',
    );
  });

  it('keeps a tombstone null, and writes a null payload for an optional schema', () => {
    expect(withSchemas.fromConnectData('t', null, null)).toBeNull();
    expect(text(withSchemas.fromConnectData('t', Schemas.OPTIONAL_STRING, null))).toBe(
      '{"schema":{"type":"string","optional":true},"payload":null}',
    );
  });

  it('writes arrays, maps with string keys as objects and other maps as pairs, bytes as base64', () => {
    const s = struct([
      ['tags', array(Schemas.STRING)],
      ['m', map(Schemas.STRING, Schemas.INT64)],
      ['n', map(Schemas.INT32, Schemas.BOOLEAN)],
      ['b', Schemas.BYTES],
    ]);
    const v = { tags: ['a'], m: { x: 5 }, n: new Map([[1, true]]), b: Buffer.from('hi') };
    expect(text(plain.fromConnectData('t', s, v))).toBe(
      '{"tags":["a"],"m":{"x":5},"n":[[1,true]],"b":"aGk="}',
    );
    expect(text(withSchemas.fromConnectData('t', map(Schemas.STRING, Schemas.INT64), { x: 1 }))).toBe(
      '{"schema":{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int64","optional":false},' +
        '"optional":false},"payload":{"x":1}}',
    );
  });

  it('writes logical types as their base values with name and version', () => {
    const s = struct([
      ['ts', Schemas.TIMESTAMP],
      ['d', Schemas.DATE],
    ]);
    const out = text(
      withSchemas.fromConnectData('t', s, { ts: new Date(1000), d: new Date(86_400_000 * 3) }),
    );
    expect(out).toBe(
      '{"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"ts"},' +
        '{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1,"field":"d"}],"optional":false},' +
        '"payload":{"ts":1000,"d":3}}',
    );
  });

  it('writes a default instead of null, and rejects null for a required field without one', () => {
    const withDefault = primitive('int32', { defaultValue: 7 });
    expect(text(plain.fromConnectData('t', withDefault, null))).toBe('7');
    expect(() => plain.fromConnectData('t', struct([['id', Schemas.INT32]]), { id: null })).toThrowError(
      DataError,
    );
  });

  it('rejects a value of the wrong type for its schema', () => {
    expect(() => plain.fromConnectData('t', Schemas.INT32, 'x')).toThrowError(/INT32/);
    expect(() => plain.fromConnectData('t', Schemas.INT8, 300)).toThrowError(DataError);
  });
});

describe('connect › converters › json › structs written field by field', () => {
  const row = struct(
    [
      ['id', Schemas.INT64],
      ['name', Schemas.OPTIONAL_STRING],
      ['score', Schemas.OPTIONAL_FLOAT64],
      ['ok', Schemas.OPTIONAL_BOOLEAN],
      ['at', Schemas.OPTIONAL_TIMESTAMP],
      ['small', Schemas.OPTIONAL_FLOAT32],
      ['tags', array(Schemas.STRING)],
      ['inner', struct([['n', Schemas.OPTIONAL_INT32]])],
    ],
    { name: 'Row' },
  );
  const rows = fc.record({
    id: fc.oneof(fc.maxSafeInteger(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
    name: fc.option(fc.string({ unit: 'binary' })),
    score: fc.option(fc.oneof(fc.double(), fc.integer())),
    ok: fc.option(fc.boolean()),
    at: fc.option(fc.date({ noInvalidDate: true })),
    small: fc.option(fc.float({ noNaN: true })),
    tags: fc.array(fc.string()),
    inner: fc.record({ n: fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })) }),
  });

  it('writes the same text as the JSON tree does, with and without the envelope', () => {
    fc.assert(
      fc.property(rows, (value) => {
        const tree = stringify(connectToJson(row, value));
        expect(text(plain.fromConnectData('t', row, value))).toBe(tree);
        expect(JSON.parse(text(withSchemas.fromConnectData('t', row, value))!).payload).toEqual(
          JSON.parse(tree),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a field of the wrong type as the tree does', () => {
    expect(() => plain.fromConnectData('t', row, { id: 1.5, tags: [], inner: {} })).toThrow(DataError);
    expect(() => plain.fromConnectData('t', row, { id: 1, name: 7, tags: [], inner: {} })).toThrow(DataError);
  });
});

describe('connect › converters › json › strings', () => {
  it("escapes as Jackson does: JSON's short forms, \\u00XX in upper case, unpaired surrogates", () => {
    const jackson = (s: string) =>
      JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, (_m, hex: string) => `\\u00${hex.toUpperCase()}`);
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary', minLength: 257 })),
        (s) => {
          expect(stringify(s)).toBe(jackson(s));
        },
      ),
      { numRuns: 500 },
    );
    expect(stringify('a\u001f"\\\n\ud800')).toBe('"a\\u001F\\"\\\\\\n\\ud800"');
  });
});

describe('connect › converters › json › toConnectData', () => {
  it('reads back what it writes', () => {
    const v = { id: 3, name: 'b', score: 1.5 };
    const back = withSchemas.toConnectData('t', withSchemas.fromConnectData('t', user, v));
    expect(back.value).toEqual(v);
    expect(back.schema).toEqual(user);
  });

  it('reads an envelope written by Kafka, with float and logical types', () => {
    const json =
      '{"schema":{"type":"struct","fields":[{"type":"float","optional":true,"field":"f"},' +
      '{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"at"}],' +
      '"optional":false},"payload":{"f":1.5,"at":42}}';
    const { schema, value } = withSchemas.toConnectData('t', Buffer.from(json));
    expect(schema?.fields?.map((f) => [f.name, f.schema.type, f.schema.optional])).toEqual([
      ['f', 'float32', true],
      ['at', 'int64', false],
    ]);
    expect(value).toEqual({ f: 1.5, at: new Date(42) });
  });

  it("refuses plain JSON when schemas.enable=true, with Kafka's hint", () => {
    expect(() => withSchemas.toConnectData('t', Buffer.from('{"a":1}'))).toThrowError(/schemas.enable=false/);
  });

  it('reads plain JSON schemaless when schemas.enable=false; null bytes are null', () => {
    expect(plain.toConnectData('t', Buffer.from('{"a":[1,2.5]}'))).toEqual({
      schema: null,
      value: { a: [1, 2.5] },
    });
    expect(plain.toConnectData('t', null)).toEqual({ schema: null, value: null });
  });

  it('names bad JSON as a data error', () => {
    expect(() => plain.toConnectData('t', Buffer.from('{oops'))).toThrowError(DataError);
  });

  it('rejects a null payload for a required schema', () => {
    const json = '{"schema":{"type":"int32","optional":false},"payload":null}';
    expect(() => withSchemas.toConnectData('t', Buffer.from(json))).toThrowError(/required INT32/);
  });
});

describe('connect › converters › json › javaDouble', () => {
  it("spells numbers as Java's Double.toString", () => {
    expect(javaDouble(1)).toBe('1.0');
    expect(javaDouble(-2.5)).toBe('-2.5');
    expect(javaDouble(123.456)).toBe('123.456');
    expect(javaDouble(0.001)).toBe('0.001');
    expect(javaDouble(0.0001)).toBe('1.0E-4');
    expect(javaDouble(1e7)).toBe('1.0E7');
    expect(javaDouble(9999999)).toBe('9999999.0');
    expect(javaDouble(1.2345e21)).toBe('1.2345E21');
    expect(javaDouble(0)).toBe('0.0');
  });

  it("spells float32 as Java's Float.toString", () => {
    expect(javaDouble(Math.fround(0.1), true)).toBe('0.1');
    expect(javaDouble(Math.fround(2.71828), true)).toBe('2.71828');
  });
});

describe('connect › converters › json › longs beyond 2^53', () => {
  const row = struct(
    [
      ['id', Schemas.INT64],
      ['note', Schemas.OPTIONAL_STRING],
    ],
    { name: 'row' },
  );
  // A snowflake-style id, as PostgreSQL's bigint hands it over: exact only as a bigint.
  const id = 1_234_567_890_123_456_789n;

  it('writes the exact digits of an int64 that a number cannot hold, and numbers where it can', () => {
    expect(text(plain.fromConnectData('t', row, { id, note: null }))).toBe(
      '{"id":1234567890123456789,"note":null}',
    );
    expect(text(plain.fromConnectData('t', row, { id: 42n, note: 'x' }))).toBe('{"id":42,"note":"x"}');
    expect(text(plain.fromConnectData('t', null, { id }))).toBe('{"id":1234567890123456789}');
  });

  it('reads them back exactly through the envelope, and refuses a long outside int64', () => {
    const bytes = withSchemas.fromConnectData('t', row, { id, note: '12345678901234567890 in a string' });
    const back = withSchemas.toConnectData('t', bytes);
    expect(back.value).toEqual({ id, note: '12345678901234567890 in a string' });
    const small = withSchemas.toConnectData(
      't',
      withSchemas.fromConnectData('t', row, { id: 7, note: null }),
    );
    expect(small.value).toEqual({ id: 7, note: null });
    expect(() => plain.fromConnectData('t', row, { id: 2n ** 63n, note: null })).toThrow(DataError);
  });

  it('reads long integers of schemaless JSON as bigints, never rounded; other numbers stay numbers', () => {
    const back = withSchemas.toConnectData(
      't',
      Buffer.from('{"schema":null,"payload":{"big":12345678901234567890,"list":[1,2.5],"e":1e300}}'),
    );
    expect(back.value).toEqual({ big: 12345678901234567890n, list: [1, 2.5], e: 1e300 });
    expect(plain.toConnectData('t', Buffer.from('[-9223372036854775808,9007199254740991]')).value).toEqual([
      -9223372036854775808n,
      9007199254740991,
    ]);
  });
});
