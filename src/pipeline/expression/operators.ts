/**
 * JSONata's binary operators on evaluated operands, ported from jsonata 1.8's evaluator. Each throws JSONata's
 * error object; the caller stamps it with the operator's position and token, as `evaluateBinary` does.
 */
import { fail } from './jsonata-error.js';
import { isDeepEqual, isNumeric, toStr } from './sequence.js';

export function numeric(lhs: unknown, rhs: unknown, op: string): number | undefined {
  if (lhs !== undefined && !isNumeric(lhs)) throw fail('T2001', { value: lhs });
  if (rhs !== undefined && !isNumeric(rhs)) throw fail('T2002', { value: rhs });
  if (lhs === undefined || rhs === undefined) return undefined;
  switch (op) {
    case '+':
      return lhs + rhs;
    case '-':
      return lhs - rhs;
    case '*':
      return lhs * rhs;
    case '/':
      return lhs / rhs;
    default:
      return lhs % rhs;
  }
}

export function equality(lhs: unknown, rhs: unknown, op: string): boolean {
  if (lhs === undefined || rhs === undefined) return false;
  return op === '=' ? isDeepEqual(lhs, rhs) : !isDeepEqual(lhs, rhs);
}

export function comparison(lhs: unknown, rhs: unknown, op: string): boolean | undefined {
  const ltype = typeof lhs;
  const rtype = typeof rhs;
  const lcomparable = ltype === 'undefined' || ltype === 'string' || ltype === 'number';
  const rcomparable = rtype === 'undefined' || rtype === 'string' || rtype === 'number';
  if (!lcomparable || !rcomparable) {
    throw fail('T2010', { value: !(ltype === 'string' || ltype === 'number') ? lhs : rhs });
  }
  if (ltype === 'undefined' || rtype === 'undefined') return undefined;
  if (ltype !== rtype) throw fail('T2009', { value: lhs, value2: rhs });
  const l = lhs as number;
  const r = rhs as number;
  switch (op) {
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    case '>':
      return l > r;
    default:
      return l >= r;
  }
}

export function concat(lhs: unknown, rhs: unknown): string {
  const l = lhs === undefined ? '' : (toStr(lhs) as string);
  const r = rhs === undefined ? '' : (toStr(rhs) as string);
  return l.concat(r);
}

export function includes(lhs: unknown, rhs: unknown): boolean {
  if (lhs === undefined || rhs === undefined) return false;
  const items = Array.isArray(rhs) ? rhs : [rhs];
  for (let i = 0; i < items.length; i++) if (items[i] === lhs) return true;
  return false;
}
