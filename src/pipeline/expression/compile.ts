/**
 * Compiles a JSONata parse tree (`jsonata(text).ast()`) into plain JavaScript closures with jsonata 1.8's
 * semantics: each compiled node returns what jsonata's `evaluate` returns for it, sequences, undefined and
 * errors included (the evaluator's code is ported, not imitated). A node this compiler does not know, or a node
 * carrying anything it does not handle (predicates, grouping, focus and index bindings, `[]`), makes `compile`
 * return undefined: the caller then evaluates the expression with jsonata itself. At run time a compiled
 * expression throws {@link BAIL} for the rare inputs it leaves to jsonata (an array as the whole input, a
 * `$fromMillis` picture, ...); evaluating has no effects, so the caller simply evaluates again with jsonata.
 */

import { binary } from './binary.js';
import { arrayConstructor, groupedObject, literalObject } from './constructors.js';
import { BAIL, type Builtin, builtins } from './functions.js';
import { fail, type JsonataError, populateMessage } from './jsonata-error.js';
import { isJsonataFunction } from './jsonata-functions.js';
import { type Fn, generalPath, namePath, type Scope } from './path.js';
import { isFunction, isNumeric, lookup, toBoolean, unwrap } from './sequence.js';
import { symbolCode } from './signature.js';

export type { Fn, Scope };
export { BAIL };

/** A node of jsonata's parse tree, as far as the compiler reads it. */
export interface AstNode {
  type: string;
  value?: unknown;
  position?: number;
  [field: string]: unknown;
}

/** How the compiled code reads a bound variable (`$key`): `undefined` when the name is not bound. */
export type VariableReader = (name: string) => Fn | undefined;

/** The fields each node type may have for the compiler to take it; any other field means "not handled". */
const FIELDS: Record<string, string[]> = {
  path: ['steps'],
  name: ['value', 'position'],
  string: ['value', 'position'],
  number: ['value', 'position'],
  value: ['value', 'position'],
  variable: ['value', 'position'],
  binary: ['value', 'position', 'lhs', 'rhs'],
  unary: ['value', 'position', 'expression', 'expressions', 'lhs', 'consarray'],
  condition: ['position', 'condition', 'then', 'else'],
  block: ['position', 'expressions', 'consarray'],
  function: ['value', 'position', 'arguments', 'procedure'],
};

/** Whether the node is of a type the compiler takes, with no field it does not know. */
function handled(node: AstNode): boolean {
  const fields = FIELDS[node.type];
  if (fields === undefined) return false;
  for (const key of Object.keys(node)) {
    if (key !== 'type' && node[key] !== undefined && !fields.includes(key)) return false;
  }
  return true;
}

export class Compiler {
  constructor(private readonly variable: VariableReader) {}

  /** The compiled node, or undefined when some part of it is left to jsonata. */
  compile(node: AstNode): Fn | undefined {
    if (!handled(node)) return undefined;
    switch (node.type) {
      case 'string':
      case 'number':
      case 'value': {
        const value = node.value;
        return () => value;
      }
      case 'variable':
        return this.variableNode(node.value as string);
      case 'name': {
        const name = node.value as string;
        return (input) => unwrap(lookup(input, name));
      }
      case 'path':
        return this.path(node.steps as AstNode[]);
      case 'binary':
        return this.binary(node);
      case 'unary':
        return this.unary(node);
      case 'condition':
        return this.condition(node);
      case 'block':
        return this.block(node.expressions as AstNode[]);
      case 'function':
        return this.call(node);
    }
    return undefined;
  }

  private all(nodes: AstNode[]): Fn[] | undefined {
    const fns: Fn[] = [];
    for (const n of nodes) {
      const fn = this.compile(n);
      if (fn === undefined) return undefined;
      fns.push(fn);
    }
    return fns;
  }

  private variableNode(name: string): Fn | undefined {
    if (name === '') return (input) => unwrap(input);
    if (name === '$') return (_input, scope) => unwrap(scope.root);
    const read = this.variable(name);
    if (read !== undefined) return (input, scope) => unwrap(read(input, scope));
    // not bound: a built-in function as a value is left to jsonata; any other name is simply undefined
    return isJsonataFunction(name) ? undefined : () => undefined;
  }

  private namePathOf(steps: AstNode[]): Fn | undefined {
    const first = steps[0].type === 'variable' ? steps[0] : undefined;
    const rest = first ? steps.slice(1) : steps;
    if (rest.length === 0 || !rest.every((s) => s.type === 'name')) return undefined;
    const firstFn = first ? this.compile(first) : undefined;
    if (first && firstFn === undefined) return undefined;
    const stepFns = this.all(steps);
    if (stepFns === undefined) return undefined;
    const general = generalPath(stepFns, first !== undefined, false);
    return namePath(
      firstFn,
      rest.map((s) => s.value as string),
      (input, scope) => unwrap(general(input, scope)),
    );
  }

  private path(steps: AstNode[]): Fn | undefined {
    const fast = this.namePathOf(steps);
    if (fast !== undefined) return fast;
    const stepFns = this.all(steps);
    if (stepFns === undefined) return undefined;
    const general = generalPath(stepFns, steps[0].type === 'variable', steps[0].consarray === true);
    return (input, scope) => unwrap(general(input, scope));
  }

  private binary(node: AstNode): Fn | undefined {
    const lhs = this.compile(node.lhs as AstNode);
    const rhs = this.compile(node.rhs as AstNode);
    if (lhs === undefined || rhs === undefined) return undefined;
    return binary(lhs, rhs, node.value as string, node.position);
  }

  private unary(node: AstNode): Fn | undefined {
    if (node.value === '-') {
      const operand = this.compile(node.expression as AstNode);
      if (operand === undefined) return undefined;
      const position = node.position;
      return (input, scope) => {
        const v = operand(input, scope);
        if (v === undefined) return undefined;
        if (isNumeric(v)) return -v;
        throw fail('D1002', { position, token: '-', value: v });
      };
    }
    if (node.value === '[') {
      const items = node.expressions as AstNode[];
      const fns = this.all(items);
      if (fns === undefined) return undefined;
      return arrayConstructor(
        fns,
        items.map((i) => i.value === '['),
        node.consarray === true,
      );
    }
    if (node.value === '{') {
      const pairs = node.lhs as [AstNode, AstNode][];
      const compiled: [Fn, Fn][] = [];
      for (const [k, v] of pairs) {
        const kf = this.compile(k);
        const vf = this.compile(v);
        if (kf === undefined || vf === undefined) return undefined;
        compiled.push([kf, vf]);
      }
      const general = groupedObject(compiled, node.position);
      const keys = pairs.map(([k]) => (k.type === 'string' ? (k.value as string) : undefined));
      const literal = keys.every((k) => k !== undefined && !k.startsWith('_jsonata_'));
      if (!literal || new Set(keys).size !== keys.length) return general;
      return literalObject(
        keys as string[],
        compiled.map(([, v]) => v),
        general,
      );
    }
    return undefined;
  }

  private condition(node: AstNode): Fn | undefined {
    const test = this.compile(node.condition as AstNode);
    const then = this.compile(node.then as AstNode);
    const otherwise = node.else === undefined ? () => undefined : this.compile(node.else as AstNode);
    if (test === undefined || then === undefined || otherwise === undefined) return undefined;
    return (input, scope) => (toBoolean(test(input, scope)) ? then(input, scope) : otherwise(input, scope));
  }

  private block(expressions: AstNode[]): Fn | undefined {
    const fns = this.all(expressions);
    if (fns === undefined) return undefined;
    if (fns.length === 1) return fns[0];
    return (input, scope) => {
      let result: unknown;
      for (const fn of fns) result = fn(input, scope);
      return result;
    };
  }

  private call(node: AstNode): Fn | undefined {
    const procedure = node.procedure as AstNode;
    if (procedure.type !== 'variable' || !handled(procedure)) return undefined;
    const name = procedure.value as string;
    const builtin = Object.hasOwn(builtins, name) ? builtins[name] : undefined;
    if (builtin === undefined || this.variable(name) !== undefined) return undefined;
    const args = this.all(node.arguments as AstNode[]);
    if (args === undefined) return undefined;
    const { signature, implementation } = builtin;
    const position = node.position;
    const stamp = (err: unknown) => {
      if (err !== null && typeof err === 'object') {
        const e = err as JsonataError;
        e.position = position || e.position;
        if (!e.token) e.token = name;
      }
    };
    const general = (values: unknown[], input: unknown) => {
      for (const v of values) if (v !== null && typeof v === 'object' && isFunction(v)) throw BAIL;
      let result: unknown;
      try {
        result = implementation(signature.validate(values, input));
      } catch (err) {
        stamp(err);
        throw err;
      }
      return unwrap(result);
    };
    return (
      arrayCall(builtin, args, stamp, general) ??
      directCall(builtin, args, stamp, general) ??
      ((input, scope) => {
        const values: unknown[] = new Array(args.length);
        for (let i = 0; i < args.length; i++) values[i] = args[i](input, scope);
        return general(values, input);
      })
    );
  }
}

/**
 * A call of a function of one array (`$sum(items.price)`, `$count(items)`, `$merge([$, {...}])`) whose argument is
 * an array of items of the type the signature asks for: handed to the implementation as it is, as JSONata's check
 * would leave it, without the check's walk over the signature; other values take the `general` way.
 */
function arrayCall(
  builtin: Builtin,
  args: Fn[],
  stamp: (err: unknown) => void,
  general: (values: unknown[], input: unknown) => unknown,
): Fn | undefined {
  const items = args.length === 1 ? builtin.signature.arrayItems() : undefined;
  if (items === undefined) return undefined;
  const [f0] = args;
  const impl = builtin.direct;
  return (input, scope) => {
    const a = f0(input, scope);
    if (!Array.isArray(a) || !itemsAre(a, items)) return general([a], input);
    try {
      return unwrap(impl(a));
    } catch (err) {
      stamp(err);
      throw err;
    }
  };
}

/** Every item has the {@link symbolCode} `code` (-1: any); true for no items, as JSONata's check has it. */
function itemsAre(values: unknown[], code: number): boolean {
  if (code < 0) return true;
  for (let i = 0; i < values.length; i++) if (symbolCode(values[i]) !== code) return false;
  return true;
}

/**
 * A call of one to three arguments whose values usually pass the signature as they are (`$string(id)`,
 * `$round(x, 2)`): the arguments are checked by type and handed to the implementation without an array; other
 * types take the `general` way, signature and all.
 */
function directCall(
  builtin: Builtin,
  args: Fn[],
  stamp: (err: unknown) => void,
  general: (values: unknown[], input: unknown) => unknown,
): Fn | undefined {
  const masks = builtin.signature.passThrough(args.length)?.map((m) => m & ~FUNCTION_BIT);
  if (masks === undefined) return undefined;
  const impl = builtin.direct;
  const passes = (v: unknown, mask: number) => ((1 << symbolCode(v)) & mask) !== 0;
  switch (args.length) {
    case 1: {
      const [f0] = args;
      const [m0] = masks;
      return (input, scope) => {
        const a = f0(input, scope);
        if (!passes(a, m0)) return general([a], input);
        try {
          return unwrap(impl(a));
        } catch (err) {
          stamp(err);
          throw err;
        }
      };
    }
    case 2: {
      const [f0, f1] = args;
      const [m0, m1] = masks;
      return (input, scope) => {
        const a = f0(input, scope);
        const b = f1(input, scope);
        if (!passes(a, m0) || !passes(b, m1)) return general([a, b], input);
        try {
          return unwrap(impl(a, b));
        } catch (err) {
          stamp(err);
          throw err;
        }
      };
    }
    case 3: {
      const [f0, f1, f2] = args;
      const [m0, m1, m2] = masks;
      return (input, scope) => {
        const a = f0(input, scope);
        const b = f1(input, scope);
        const c = f2(input, scope);
        if (!passes(a, m0) || !passes(b, m1) || !passes(c, m2)) return general([a, b, c], input);
        try {
          return unwrap(impl(a, b, c));
        } catch (err) {
          stamp(err);
          throw err;
        }
      };
    }
  }
  return undefined;
}

/** The bit of function values in {@link symbolCode} masks: a function argument is left to jsonata. */
const FUNCTION_BIT = 1 << 6;

/**
 * Evaluates a compiled program as jsonata's `evaluate(input, bindings)` would, or throws {@link BAIL}. An error
 * leaves with its message filled in, as jsonata's do.
 */
export function run(program: Fn, scope: Scope, input: unknown): unknown {
  // jsonata wraps an array input so that a path treats it as one value: that case is left to jsonata
  if (Array.isArray(input)) throw BAIL;
  scope.root = input;
  try {
    return program(input, scope);
  } catch (err) {
    if (
      err !== BAIL &&
      err !== null &&
      typeof err === 'object' &&
      typeof (err as JsonataError).code === 'string'
    ) {
      populateMessage(err as JsonataError);
    }
    throw err;
  }
}
