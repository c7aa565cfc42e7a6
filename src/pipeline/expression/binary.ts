/**
 * Binary operators compiled over their operand closures, with a fast path where both operands are of the usual
 * type; anything else goes through the port of jsonata's operator code, whose errors are stamped with the
 * operator's position and token as `evaluateBinary` does (for `and`/`or`, errors of the right-hand side too).
 */
import { BAIL } from './functions.js';
import type { JsonataError } from './jsonata-error.js';
import { comparison, concat, equality, includes, numeric } from './operators.js';
import type { Fn } from './path.js';
import { toBoolean } from './sequence.js';

/** Sets where an error happened, as jsonata does on the way out of an operator or a function call. */
export function stamp(err: unknown, position: number | undefined, token: string): void {
  if (err === null || typeof err !== 'object') return;
  const e = err as JsonataError;
  e.position = position;
  e.token = token;
}

/** The operator `op` over `lhs` and `rhs`, or undefined for one left to jsonata (`..`). */
export function binary(lhs: Fn, rhs: Fn, op: string, position: number | undefined): Fn | undefined {
  switch (op) {
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return arithmetic(lhs, rhs, op, position);
    case '=':
    case '!=':
      return (input, scope) => equality(lhs(input, scope), rhs(input, scope), op);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return (input, scope) => {
        const l = lhs(input, scope);
        const r = rhs(input, scope);
        try {
          return comparison(l, r, op);
        } catch (err) {
          stamp(err, position, op);
          throw err;
        }
      };
    case '&':
      return (input, scope) => {
        const l = lhs(input, scope);
        const r = rhs(input, scope);
        if (typeof l === 'string' && typeof r === 'string') return l + r;
        try {
          return concat(l, r);
        } catch (err) {
          stamp(err, position, op);
          throw err;
        }
      };
    case 'in':
      return (input, scope) => includes(lhs(input, scope), rhs(input, scope));
    case 'and':
    case 'or':
      return (input, scope) => {
        const l = lhs(input, scope);
        // as in jsonata, an error on the right-hand side is reported at the and/or
        try {
          const lb = toBoolean(l) ?? false;
          if (op === 'and') return lb && (toBoolean(rhs(input, scope)) ?? false);
          return lb || (toBoolean(rhs(input, scope)) ?? false);
        } catch (err) {
          if (err !== BAIL) stamp(err, position, op);
          throw err;
        }
      };
  }
  return undefined;
}

function arithmetic(lhs: Fn, rhs: Fn, op: string, position: number | undefined): Fn {
  const slow = (l: unknown, r: unknown) => {
    try {
      return numeric(l, r, op);
    } catch (err) {
      stamp(err, position, op);
      throw err;
    }
  };
  const finite = (l: unknown, r: unknown) =>
    typeof l === 'number' && typeof r === 'number' && l - l === 0 && r - r === 0;
  switch (op) {
    case '+':
      return (i, s) => {
        const l = lhs(i, s);
        const r = rhs(i, s);
        return finite(l, r) ? (l as number) + (r as number) : slow(l, r);
      };
    case '-':
      return (i, s) => {
        const l = lhs(i, s);
        const r = rhs(i, s);
        return finite(l, r) ? (l as number) - (r as number) : slow(l, r);
      };
    case '*':
      return (i, s) => {
        const l = lhs(i, s);
        const r = rhs(i, s);
        return finite(l, r) ? (l as number) * (r as number) : slow(l, r);
      };
    default:
      return (i, s) => slow(lhs(i, s), rhs(i, s));
  }
}
