/**
 * Stores hold decoded keys, so they need an identity and an order for keys that are not strings. Strings are their
 * own identity; any other key is identified by its JSON form behind a NUL, which no sensible string key starts with.
 * Order: numbers numerically, strings by UTF-16 code units, anything else by its identity.
 */
export function keyId(key: unknown): string {
  return typeof key === 'string' ? key : `\u0000${JSON.stringify(key)}`;
}

export function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = keyId(a);
  const y = keyId(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** True when `key` lies in the inclusive range; an undefined bound is open. */
export function inRange(key: unknown, from: unknown, to: unknown): boolean {
  return (
    (from === undefined || compareKeys(key, from) >= 0) && (to === undefined || compareKeys(key, to) <= 0)
  );
}
