import { isDeepStrictEqual } from 'node:util';

/** A value as a test failure shows it. */
export const show = (r: unknown) => JSON.stringify(r);

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const field = (path: string, k: string) => (path === '' ? k : `${path}.${k}`);

/**
 * Where `actual` differs from `expected`, one line per field (`value.amount: expected 29, got 28.5`); fields are
 * named from `path` on (from the field itself when `path` is empty). With `partial`, only the fields (and array
 * items) `expected` names are looked at.
 */
export function differences(path: string, expected: unknown, actual: unknown, partial: boolean): string[] {
  if (isDeepStrictEqual(expected, actual)) return [];
  if (isObject(expected) && isObject(actual)) {
    const out: string[] = [];
    for (const [k, v] of Object.entries(expected)) {
      if (!(k in actual)) out.push(`${field(path, k)}: missing, expected ${show(v)}`);
      else out.push(...differences(field(path, k), v, actual[k], partial));
    }
    if (!partial)
      for (const k of Object.keys(actual))
        if (!(k in expected)) out.push(`${field(path, k)}: not expected, got ${show(actual[k])}`);
    return out;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (partial) {
      // Each expected item must be held by some item of the actual array, in any order.
      return expected.flatMap((item, i) =>
        actual.some((a) => differences('', item, a, true).length === 0)
          ? []
          : [`${path}[${i}]: no item holds ${show(item)}`],
      );
    }
    if (expected.length !== actual.length)
      return [`${path}: expected ${expected.length} items, got ${actual.length}: ${show(actual)}`];
    return expected.flatMap((item, i) => differences(`${path}[${i}]`, item, actual[i], false));
  }
  return [`${path}: expected ${show(expected)}, got ${show(actual)}`];
}

/** One failure line for `what`, with its reasons on the same line when there is one, indented below otherwise. */
export function failureLine(what: string, reasons: string[]): string {
  return reasons.length === 1
    ? `${what}: ${reasons[0]}`
    : `${what}:\n${reasons.map((w) => `    ${w}`).join('\n')}`;
}
