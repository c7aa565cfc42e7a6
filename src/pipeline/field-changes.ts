import { isDeepStrictEqual } from 'node:util';

/** One field that differs between two versions of a record: `value.total: 29 → 28.5`. */
export interface FieldChange {
  /** Where, from the record: `key`, `value.total`, `value.items[2]`, `headers.source`. */
  path: string;
  /** Absent when the field is new. */
  before?: unknown;
  /** Absent when the field is gone. */
  after?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The fields that differ between `before` and `after`, as deep as both sides are objects (or arrays of the same
 * length); empty when they are equal.
 */
export function fieldChanges(path: string, before: unknown, after: unknown): FieldChange[] {
  if (isDeepStrictEqual(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const out: FieldChange[] = [];
    for (const [k, v] of Object.entries(before)) {
      if (!(k in after)) out.push({ path: `${path}.${k}`, before: v });
      else out.push(...fieldChanges(`${path}.${k}`, v, after[k]));
    }
    for (const [k, v] of Object.entries(after))
      if (!(k in before)) out.push({ path: `${path}.${k}`, after: v });
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => fieldChanges(`${path}[${i}]`, item, after[i]));
  }
  return [{ path, before, after }];
}
