import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agree, bothWays, describeOutcome, programOf } from './expression/agree.js';

/**
 * Expressions from a grammar over the subset the compiler takes, on inputs whose fields exist or not, are null,
 * strings, numbers, booleans, arrays (empty, singleton, nested) and objects: the compiled program and
 * `jsonata(text).evaluate(input, bindings)` must give the same value, or both throw with the same code, message,
 * position and token.
 */

const FIELDS = ['a', 'b', 'c', 'd'];

const scalar = fc.oneof(
  fc.integer({ min: -20, max: 20 }),
  fc.constantFrom(0.5, 2.5, -2.5, Math.PI, 1e21, 0.1, 1234.5678, 1700000000123, -0.0),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(
    '',
    'x',
    'Ab c',
    '12.5',
    '-3',
    '2024-02-29T12:34:56.789Z',
    '2024-02-29',
    '  pad  ',
    'ß',
    '😀a',
  ),
  fc.string({ maxLength: 4 }),
  fc.boolean(),
  fc.constant(null),
);

const { value: jsonValue } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 3 }),
  object: fc.dictionary(fc.constantFrom(...FIELDS), tie('value'), { maxKeys: 4 }),
}));

const input = fc.oneof(
  fc.dictionary(fc.constantFrom(...FIELDS, 'x"y\\', 'constructor', '__proto__', '1'), jsonValue, {
    maxKeys: 4,
  }),
  jsonValue,
);

const bindings = fc.record({
  key: jsonValue,
  timestamp: fc.integer({ min: 0, max: 2_000_000_000_000 }),
  topic: fc.constantFrom('orders', ''),
});

const literal = fc.oneof(
  fc.constantFrom(
    '0',
    '1',
    '2',
    '-1',
    '2.5',
    '-0.5',
    '3.5',
    '0.125',
    '1.005',
    '2.675',
    '1e3',
    '"x"',
    '""',
    '"12.5"',
    '"a b"',
    'true',
    'false',
    'null',
  ),
  fc.constantFrom(
    '"2024-02-29T12:34:56Z"',
    '"2024-13-01"',
    '1700000000123',
    '-62167219200001',
    '253402300800000',
  ),
);

// names Object.prototype has (a path reads own fields only), and one that needs escaping in generated code
const name = fc.constantFrom(...FIELDS, '`a`', 'constructor', '`__proto__`', '`x"y\\`');

const path = fc.oneof(
  fc.array(name, { minLength: 1, maxLength: 3 }).map((ns) => ns.join('.')),
  fc
    .tuple(
      fc.constantFrom('$', '$$', '$key', '$timestamp', '$topic', '$nothing'),
      fc.array(name, { maxLength: 2 }),
    )
    .map(([v, ns]) => [v, ...ns].join('.')),
);

/** The functions the compiler runs natively, called with each number of arguments (valid or not). */
const FUNCTIONS = [
  'round',
  'number',
  'string',
  'fromMillis',
  'toMillis',
  'merge',
  'lowercase',
  'uppercase',
  'substring',
  'contains',
  'exists',
  'count',
  'sum',
  'length',
  'trim',
  'not',
  'boolean',
  'abs',
  'floor',
  'ceil',
  'join',
  'keys',
  'lookup',
  'append',
  'max',
  'min',
  'average',
];

const BINARY = ['+', '-', '*', '/', '%', '=', '!=', '<', '<=', '>', '>=', '&', 'and', 'or', 'in'];

const { expr } = fc.letrec<{ expr: string }>((tie) => {
  const e = tie('expr');
  return {
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      literal,
      path,
      fc.tuple(e, fc.constantFrom(...BINARY), e).map(([l, op, r]) => `(${l} ${op} ${r})`),
      e.map((x) => `-(${x})`),
      fc
        .tuple(e, e, fc.option(e))
        .map(([c, t, f]) => (f === null ? `(${c} ? ${t})` : `(${c} ? ${t} : ${f})`)),
      fc
        .tuple(fc.constantFrom(...FUNCTIONS), fc.array(e, { maxLength: 3 }))
        .map(([f, args]) => `$${f}(${args.join(', ')})`),
      fc
        .tuple(fc.constantFrom(...FUNCTIONS), fc.array(fc.oneof(literal, path), { maxLength: 3 }))
        .map(([f, args]) => `$${f}(${args.join(', ')})`),
      fc.array(e, { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
      e.map((x) => `[[${x}]]`),
      fc
        .array(
          fc.tuple(fc.constantFrom('"k"', '"l"', '"1"', 'b', '"__proto__"', '"q\\"\\\\"', '"toString"'), e),
          { maxLength: 3 },
        )
        .map((pairs) => `{${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
      fc.tuple(path, fc.constantFrom(...FUNCTIONS)).map(([p, f]) => `${p}.$${f}()`),
      fc.tuple(path, e).map(([p, x]) => `${p}.(${x})`),
      fc.tuple(path, e).map(([p, x]) => `${p}.[${x}]`),
      fc.tuple(path, e).map(([p, x]) => `${p}.{"v": ${x}}`),
      fc.tuple(e, e).map(([x, y]) => `(${x}; ${y})`),
      fc.tuple(e, path).map(([x, p]) => `[${x}].${p.startsWith('$') ? 'a' : p}`),
    ),
  };
});

describe('pipeline › expression › compile', () => {
  it('agrees with jsonata on generated expressions and inputs, errors included', () => {
    fc.assert(
      fc.property(expr, fc.array(input, { minLength: 1, maxLength: 4 }), bindings, (text, inputs, vars) => {
        const program = programOf(text);
        expect(program.compiled, text).toBe(true);
        for (const value of inputs) {
          const outcome = bothWays(text, value, vars, program);
          if (!agree(outcome)) {
            throw new Error(
              `${text} on ${JSON.stringify(value)}: compiled ${describeOutcome(outcome.compiled)}, jsonata ${describeOutcome(outcome.jsonata)}`,
            );
          }
        }
      }),
      { numRuns: 6000 },
    );
  }, 180_000);

  // Corners a grammar reaches only now and then, on the same generated inputs.
  const corners = [
    '$round(2.5)',
    '$round(-2.5)',
    '$round(3.5)',
    '$round(0.5)',
    '$round(2.675, 2)',
    '$round(1.005, 2)',
    '$round(1250, -2)',
    '$round(a, 1)',
    '$string(0.1 + 0.2)',
    '$string(1e21)',
    '$string(123456789012345678)',
    '$string(1/3)',
    '$string(a)',
    '$string(a, true)',
    '$string([1, "x", {"k": 0.1 + 0.2}])',
    'a & b',
    '$fromMillis(1700000000123)',
    '$fromMillis(-1)',
    '$fromMillis(-62167219200001)',
    '$fromMillis(253402300800000)',
    '$fromMillis(1.7)',
    '$fromMillis(a)',
    '$toMillis("2024-02-29T12:34:56.789+01:00")',
    '$toMillis("2024")',
    '$toMillis(a)',
    '$toMillis("nope")',
    '$number("1e3")',
    '$number("0x10")',
    '$number(" 1")',
    '$number(a)',
    'a = b',
    '{"x": [1, {"y": 2}]} = {"x": [1, {"y": 2}]}',
    '[1, 2] = [2, 1]',
    'a.b = a.b',
    'a != a',
    '$merge([$, {"r": $round(a, 2)}])',
    '$merge(a)',
    '$merge([a, b])',
    '$merge([$, a, b])',
    '$merge([a, {"a": 1, "1": 2}])',
    '$count(a)',
    '$count(a.b)',
    '$sum(a)',
    '$sum(a.b)',
    '$exists(a.b)',
    '$substring("😀abc", -2)',
    '$substring(a, 1, 2)',
    '$contains(a, "x")',
    '$keys($)',
    '$length("😀a")',
    '$trim(a)',
    '$join(a, ",")',
    '$lowercase(a)',
    '$uppercase(a)',
    'a + 1',
    '"a" + 1',
    '1 + "a"',
    '-"x"',
    'a < "x"',
    'a < 1',
    '{a: 1}',
    '{"k": a, "k": b}',
    '$.{"v": a}',
    'a.{"v": $}',
    'a.[b, c]',
    '$$.a.b',
    '$key.a',
    '$timestamp + 1',
    '$fromMillis($timestamp)',
    '1/0 + 1',
    '$string(1/0)',
    '-(1/0)',
  ];

  it('agrees with jsonata on numbers, times and strings where the compiled functions take shortcuts', () => {
    const number = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer({ min: -1e9, max: 1e9 }).map((n) => n / 1000),
      fc.integer({ min: -1e7, max: 1e7 }).map((n) => n / 8 + 0.005),
      fc.integer({ min: -62167219200000 - 5, max: 253402300799999 + 5 }),
      // ties and near-ties of rounding to 1 to 4 places, and their neighbouring doubles
      fc
        .tuple(
          fc.integer({ min: -1e6, max: 1e6 }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: -2, max: 2 }),
        )
        .map(([n, p, ulps]) => {
          const tie = (n + 0.5) / 10 ** p;
          return tie + ulps * Number.EPSILON * Math.abs(tie);
        }),
    );
    // strings of JSONata's number form and near misses: what $number parses or rejects
    const numeric = fc
      .tuple(
        fc.constantFrom('', '-', '+', ' '),
        fc.stringMatching(/^[0-9]{0,18}$/),
        fc.constantFrom('', '.', '.5', '.05', '.25', '.125', '.0000001', '.123456789012345678'),
        fc.constantFrom('', 'e', 'E3', 'e-2', 'e+20', 'e400', 'e-400', 'x'),
      )
      .map((parts) => parts.join(''));
    const text = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
      numeric,
      number.map(String),
    );
    const cases = [
      '$round(a, b)',
      '$round(a)',
      '$string(a)',
      '$fromMillis(a)',
      '$substring(c, b, d)',
      '$length(c)',
      '$number(c)',
      '$round(a * 100, b)',
    ];
    fc.assert(
      fc.property(
        number,
        fc.integer({ min: -3, max: 17 }),
        text,
        fc.integer({ min: -4, max: 4 }),
        (a, b, c, d) => {
          for (const expression of cases) {
            const outcome = bothWays(expression, { a, b, c, d }, {});
            if (!agree(outcome)) {
              throw new Error(
                `${expression} on ${JSON.stringify({ a, b, c, d })}: compiled ${describeOutcome(outcome.compiled)}, jsonata ${describeOutcome(outcome.jsonata)}`,
              );
            }
          }
        },
      ),
      { numRuns: 5000 },
    );
  }, 180_000);

  it('agrees with jsonata on corner cases over generated inputs', () => {
    fc.assert(
      fc.property(fc.array(input, { minLength: 1, maxLength: 8 }), bindings, (inputs, vars) => {
        for (const text of corners) {
          const program = programOf(text);
          expect(program.compiled, text).toBe(true);
          for (const value of inputs) {
            const outcome = bothWays(text, value, vars, program);
            if (!agree(outcome)) {
              throw new Error(
                `${text} on ${JSON.stringify(value)}: compiled ${describeOutcome(outcome.compiled)}, jsonata ${describeOutcome(outcome.jsonata)}`,
              );
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  }, 180_000);
});
