import fc from 'fast-check';
import { NEVER, of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { mapStep } from '../../src/pipeline/steps/stateless-steps.js';
import { runInContext } from '../../src/streams/context.js';
import type { StreamRecord } from '../../src/streams/index.js';
import { Topology } from '../../src/streams/topology.js';

/** The values a `map:` step emits for `values`, each as the one record of a stream. */
function mapped(expr: string, values: unknown[]): unknown[] {
  const out: unknown[] = [];
  const step = mapStep(expr, {
    where: 'streams.0.steps.0 (map)',
    stream: 's',
    index: 0,
    deadLetterTopic: undefined,
    table: () => NEVER,
    baseDir: process.cwd(),
  });
  runInContext(new Topology('map-values'), () => {
    const records = values.map(
      (value, offset): StreamRecord<unknown, unknown> => ({
        key: null,
        value,
        timestamp: 0,
        headers: [],
        topic: 'in',
        partition: 0,
        offset,
      }),
    );
    of(...records)
      .pipe(step)
      .subscribe({
        next: (r) => out.push(r.value),
        error: (e) => {
          throw e;
        },
      });
  });
  return out;
}

/** What the value would be after a trip through the log as JSON: plain data, nothing JSONata flags. */
function throughJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** True when `value` holds an array with properties of its own beyond its items (a JSONata sequence's flags). */
function hasFlaggedArray(value: unknown): boolean {
  if (Array.isArray(value)) {
    if (Object.keys(value).length !== value.length) return true;
    return value.some(hasFlaggedArray);
  }
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasFlaggedArray);
  return false;
}

describe('pipeline › map values', () => {
  it('emits plain data: path results are plain arrays, as a value read back from the log would be', () => {
    const order = {
      id: 7,
      items: [
        { sku: 'a', n: 2 },
        { sku: 'b', n: 1 },
      ],
      ship: { city: 'Oslo' },
    };
    const expressions = [
      '{ "skus": items.sku, "count": $count(items), "city": ship.city }',
      'items',
      'items.sku',
      '{ "ship": ship, "first": items[0] }',
      '$',
      '{ "nested": { "deeper": { "ids": [id, id * 2] } } }',
    ];
    for (const expr of expressions) {
      const [value] = mapped(expr, [order]);
      expect(hasFlaggedArray(value), expr).toBe(false);
      expect(value, expr).toStrictEqual(throughJson(value));
    }
  });

  it('leaves out undefined fields, as JSON does', () => {
    const [value] = mapped('{ "id": id, "missing": nothere, "n": 1 }', [{ id: 1 }]);
    expect(value).toStrictEqual({ id: 1, n: 1 });
    expect(Object.keys(value as object)).toEqual(['id', 'n']);
  });

  it('equals the JSON of what it read for any flat or nested record and the identity map', () => {
    const json = fc.jsonValue({ maxDepth: 3 }).filter((v) => v !== null && typeof v === 'object');
    fc.assert(
      fc.property(json, (value) => {
        const [out] = mapped('$', [value]);
        expect(hasFlaggedArray(out)).toBe(false);
        expect(throughJson(out)).toStrictEqual(throughJson(value));
      }),
      { numRuns: 200 },
    );
  });
});
