/**
 * JSONata's function signatures (`<s-nn?:s>`), ported from jsonata 1.8's `signature.js` so that a compiled call
 * checks and fixes up its arguments exactly as JSONata does: the same T0410/T0411/T0412 errors, `-` filling in the
 * context value for a missing first argument, and a single value standing in for an array. The regex match of a
 * list of argument types is cached, keyed by the types, so a call costs a few type tests.
 */
import { fail } from './jsonata-error.js';
import { isFunction } from './sequence.js';

interface Param {
  regex: string;
  type: string;
  array?: boolean;
  context?: boolean;
  contextRegex?: RegExp;
  subtype?: string;
}

const arraySignatureMapping: Record<string, string> = {
  a: 'arrays',
  b: 'booleans',
  f: 'functions',
  n: 'numbers',
  o: 'objects',
  s: 'strings',
};

/** The type letter of a value in a signature: `m` (missing) for undefined. */
export function symbolOf(value: unknown): string {
  if (isFunction(value)) return 'f';
  switch (typeof value) {
    case 'string':
      return 's';
    case 'number':
      return 'n';
    case 'boolean':
      return 'b';
    case 'object':
      return value === null ? 'l' : Array.isArray(value) ? 'a' : 'o';
    default:
      return 'm';
  }
}

/** The index of {@link symbolOf}'s letter in `snbloafm`, without making a string. */
export function symbolCode(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return 0;
    case 'number':
      return 1;
    case 'boolean':
      return 2;
    case 'undefined':
      return 7;
    case 'function':
      return 6;
    case 'object':
      if (value === null) return 3;
      return isFunction(value) ? 6 : Array.isArray(value) ? 5 : 4;
    default:
      return 7;
  }
}

/** A value of each {@link symbolCode}, for working out plans from types alone. */
const SAMPLES: unknown[] = ['', 0, false, null, {}, [], () => undefined, undefined];

/** The arguments match their parameters one for one: they are passed on as they are. */
const IDENTITY: unique symbol = Symbol('identity');

export class Signature {
  private readonly params: Param[] = [];
  private readonly regex: RegExp;
  /** What to do with arguments of given types (base-8 digits after a leading 1): see {@link planFor}. */
  private readonly plans = new Map<number, RegExpExecArray | typeof IDENTITY | null>();
  /** The last plan used, as most calls of a function see the same types each time. */
  private lastKey = 0;
  private lastPlan: RegExpExecArray | typeof IDENTITY | null | undefined;

  constructor(readonly definition: string) {
    let param: Param = Object.create(null);
    let prevParam = param;
    const next = () => {
      this.params.push(param);
      prevParam = param;
      param = Object.create(null);
    };
    for (let position = 1; position < definition.length; position++) {
      const symbol = definition.charAt(position);
      if (symbol === ':') break;
      switch (symbol) {
        case 's':
        case 'n':
        case 'b':
        case 'l':
        case 'o':
          param.regex = `[${symbol}m]`;
          param.type = symbol;
          next();
          break;
        case 'a':
          param.regex = '[asnblfom]';
          param.type = symbol;
          param.array = true;
          next();
          break;
        case 'f':
          param.regex = 'f';
          param.type = symbol;
          next();
          break;
        case 'j':
          param.regex = '[asnblom]';
          param.type = symbol;
          next();
          break;
        case 'x':
          param.regex = '[asnblfom]';
          param.type = symbol;
          next();
          break;
        case '-':
          prevParam.context = true;
          prevParam.contextRegex = new RegExp(prevParam.regex);
          prevParam.regex += '?';
          break;
        case '?':
        case '+':
          prevParam.regex += symbol;
          break;
        case '(': {
          const end = definition.indexOf(')', position);
          const choice = definition.substring(position + 1, end);
          param.regex = `[${choice}m]`;
          param.type = `(${choice})`;
          position = end;
          next();
          break;
        }
        case '<': {
          const end = definition.indexOf('>', position);
          prevParam.subtype = definition.substring(position + 1, end);
          position = end;
          break;
        }
      }
    }
    this.regex = new RegExp(`^${this.params.map((p) => `(${p.regex})`).join('')}$`);
  }

  /**
   * For calls with `arity` arguments: a bit mask per argument of the {@link symbolCode}s with which the arguments
   * pass as they are, whatever the other arguments' types in their masks; undefined when no such masks exist (a
   * parameter of type `a`, or an arity no call matches without fix-ups).
   */
  passThrough(arity: number): number[] | undefined {
    if (arity > 3) return undefined;
    const total = 8 ** arity;
    const codesOf = (combo: number) =>
      Array.from({ length: arity }, (_, i) => Math.floor(combo / 8 ** i) % 8);
    const masks: number[] = new Array(arity).fill(0);
    for (let combo = 0; combo < total; combo++) {
      const codes = codesOf(combo);
      if (this.planFor(codes.map((c) => SAMPLES[c])) !== IDENTITY) continue;
      codes.forEach((c, i) => {
        masks[i] |= 1 << c;
      });
    }
    if (masks.some((m) => m === 0)) return undefined;
    // the masks hold every type seen in a passing combination: each of their combinations must pass too
    for (let combo = 0; combo < total; combo++) {
      const codes = codesOf(combo);
      if (!codes.every((c, i) => masks[i] & (1 << c))) continue;
      if (this.planFor(codes.map((c) => SAMPLES[c])) !== IDENTITY) return undefined;
    }
    return masks;
  }

  /**
   * For a signature of one array parameter (`<a<n>:n>`, `<a:n>`): the {@link symbolCode} every item of an array
   * argument must have to be passed as it is (-1: any item), or undefined for other signatures. An array whose
   * items all have that type passes JSONata's check unchanged; anything else takes {@link Signature.validate}.
   */
  arrayItems(): number | undefined {
    if (this.params.length !== 1) return undefined;
    const param = this.params[0]!;
    if (param.type !== 'a' || param.regex !== '[asnblfom]' || param.context) return undefined;
    if (param.subtype === undefined) return -1;
    if (param.subtype.length !== 1) return undefined;
    const code = 'snbloafm'.indexOf(param.subtype);
    return code >= 0 && code < 5 ? code : undefined;
  }

  /** The arguments the function is called with, or a T04xx error as JSONata raises it. */
  validate(args: unknown[], context: unknown): unknown[] {
    let key = 1;
    for (let i = 0; i < args.length; i++) key = key * 8 + symbolCode(args[i]);
    let plan = key === this.lastKey ? this.lastPlan : this.plans.get(key);
    if (plan === undefined) {
      plan = this.planFor(args);
      this.plans.set(key, plan);
    }
    this.lastKey = key;
    this.lastPlan = plan;
    return plan === IDENTITY ? args : this.apply(plan, args, context);
  }

  /** For one list of argument types: the regex match, or IDENTITY when the arguments pass as they are. */
  private planFor(args: unknown[]): RegExpExecArray | typeof IDENTITY | null {
    const isValid = this.regex.exec(args.map(symbolOf).join(''));
    if (isValid === null) return null;
    let argIndex = 0;
    for (let index = 0; index < this.params.length; index++) {
      const param = this.params[index];
      const match = isValid[index + 1];
      if (match === '' && !(param.context && param.contextRegex)) {
        if (argIndex < args.length || argIndex !== index) return isValid; // takes an argument meant for another
        argIndex++;
        continue;
      }
      if (match.length !== 1 || param.type === 'a' || argIndex !== index) return isValid;
      argIndex++;
    }
    return IDENTITY;
  }

  private apply(isValid: RegExpExecArray | null, args: unknown[], context: unknown): unknown[] {
    if (isValid === null) throw this.validationError(args);
    const validated: unknown[] = [];
    let argIndex = 0;
    for (let index = 0; index < this.params.length; index++) {
      const param = this.params[index];
      let arg = args[argIndex];
      const match = isValid[index + 1];
      if (match === '') {
        if (param.context && param.contextRegex) {
          if (!param.contextRegex.test(symbolOf(context))) {
            throw fail('T0411', { value: context, index: argIndex + 1 });
          }
          validated.push(context);
        } else {
          validated.push(arg);
          argIndex++;
        }
        continue;
      }
      for (const single of match) {
        if (param.type === 'a') {
          if (single === 'm') {
            arg = undefined;
          } else {
            arg = args[argIndex];
            if (!this.arrayOk(param, single, match, arg)) {
              throw fail('T0412', {
                value: arg,
                index: argIndex + 1,
                type: arraySignatureMapping[param.subtype as string],
              });
            }
            if (single !== 'a') arg = [arg];
          }
        }
        validated.push(arg);
        argIndex++;
      }
    }
    return validated;
  }

  private arrayOk(param: Param, single: string, match: string, arg: unknown): boolean {
    if (param.subtype === undefined) return true;
    if (single !== 'a') return match === param.subtype;
    const items = arg as unknown[];
    if (items.length === 0) return true;
    const itemType = symbolOf(items[0]);
    if (itemType !== param.subtype.charAt(0)) return false;
    return items.every((v) => symbolOf(v) === itemType);
  }

  /** Which argument breaks the match: the first whose pattern fails, else the first extra one. */
  private validationError(args: unknown[]): unknown {
    const supplied = args.map(symbolOf).join('');
    let partial = '^';
    let goodTo = 0;
    for (const param of this.params) {
      partial += param.regex;
      const match = supplied.match(partial);
      if (match === null) break;
      goodTo = match[0].length;
    }
    return fail('T0410', { value: args[goodTo], index: goodTo + 1 });
  }
}
