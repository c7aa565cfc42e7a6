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

const SYMBOLS = 'snbloafm';

export class Signature {
  private readonly params: Param[] = [];
  private readonly regex: RegExp;
  /** Regex matches by argument types (base-8 digits, most significant a leading 1). */
  private readonly matches = new Map<number, RegExpExecArray | null>();

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

  /** The arguments the function is called with, or a T04xx error as JSONata raises it. */
  validate(args: unknown[], context: unknown): unknown[] {
    let key = 1;
    for (let i = 0; i < args.length; i++) key = key * 8 + SYMBOLS.indexOf(symbolOf(args[i]));
    let isValid = this.matches.get(key);
    if (isValid === undefined) {
      isValid = this.regex.exec(args.map(symbolOf).join(''));
      this.matches.set(key, isValid);
    }
    if (isValid === null) throw this.validationError(args);
    const validated: unknown[] = [];
    let argIndex = 0;
    this.params.forEach((param, index) => {
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
        return;
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
    });
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
