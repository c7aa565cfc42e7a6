import type { RowChange } from './record-rows.js';
import { pgTypeForSchema, pgTypeForValue } from './sink-values.js';
import type { NewColumn } from './table-catalog.js';

const INTEGERS = ['smallint', 'integer', 'bigint'];
const NUMBERS = [...INTEGERS, 'real', 'double precision', 'numeric'];

/**
 * The narrowest column type that holds values of both types: the wider integer; double precision for an integer
 * and a float (numeric if either is numeric); jsonb when either is jsonb or an array (JSON holds any value);
 * otherwise text, whose input takes any value's text.
 */
export function widenType(a: string, b: string): string {
  if (a === b) return a;
  const ia = INTEGERS.indexOf(a);
  const ib = INTEGERS.indexOf(b);
  if (ia >= 0 && ib >= 0) return INTEGERS[Math.max(ia, ib)]!;
  if (NUMBERS.includes(a) && NUMBERS.includes(b)) {
    return a === 'numeric' || b === 'numeric' ? 'numeric' : 'double precision';
  }
  if (a === 'jsonb' || b === 'jsonb' || a.endsWith('[]') || b.endsWith('[]')) return 'jsonb';
  return 'text';
}

/** A column the records of a run mention; `type` is null when every value was null and no schema named one. */
export interface NeededColumn extends Omit<NewColumn, 'type'> {
  type: string | null;
}

/**
 * Every column the changes mention, typed by their schemas or, lacking one, by their values: the type is widened
 * over every record of the batch, not taken from the first one, so `1` then `2.5` makes double precision and a
 * field that is null in the first record is typed by the first record that has a value. A column whose values are
 * all null (and which no schema types) gets no type: the caller decides whether to wait for a value or use text.
 * Key columns are NOT NULL; every other column is nullable, since a later record may leave it out.
 */
export function neededColumns(changes: readonly RowChange[]): NeededColumn[] {
  const columns = new Map<string, NeededColumn & { sawValue: boolean }>();
  for (const change of changes) {
    for (const [name, value] of Object.entries(change.values)) {
      let col = columns.get(name);
      if (!col) {
        col = { name, type: null, notNull: change.key.includes(name), sawValue: false };
        columns.set(name, col);
      }
      const schema = change.schemas.get(name);
      const type = schema ? pgTypeForSchema(schema) : pgTypeForValue(value);
      if (value !== null && value !== undefined) col.sawValue = true;
      if (type !== null) col.type = col.type === null ? type : widenType(col.type, type);
    }
  }
  // Values seen but none typed (only empty arrays): JSON holds whatever comes later.
  return [...columns.values()].map(({ sawValue, ...col }) =>
    col.type === null && sawValue ? { ...col, type: 'jsonb' } : col,
  );
}
