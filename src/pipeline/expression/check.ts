/**
 * What `sluice validate` checks in a step's expressions, without evaluating them: that they parse, that every
 * function they call exists, and that each call of a built-in has a number of arguments its signature can take
 * (jsonata would only say so at run time, on the first record that reaches the call).
 */
import { createRequire } from 'node:module';
import { suggest } from '../../config/index.js';
import type { StepKind } from '../schema.js';
import { arityOf, isJsonataFunction, jsonataFunctionNames } from './jsonata-functions.js';

type Path = (string | number)[];

/**
 * jsonata, loaded with the first expression to check: a pipeline without steps never pays for it. It is CommonJS,
 * so `require` gives the same module an `import` elsewhere does.
 */
const jsonata = (expr: string) =>
  (createRequire(import.meta.url)('jsonata') as typeof import('jsonata'))(expr);

/** The fields of each step kind that hold an expression, beyond the lists of `branch` and `aggregate`. */
const EXPRESSION_FIELDS: Record<StepKind, string[][]> = {
  filter: [['filter']],
  map: [['map']],
  key: [['key']],
  flatMap: [['flatMap']],
  branch: [],
  aggregate: [],
  join: [],
  dedupe: [['dedupe', 'key']],
  module: [],
};

/** The expressions of a parsed step, each with its path in the pipeline file. */
export function stepExpressions(
  kind: StepKind,
  parsed: Record<string, unknown>,
  path: Path,
): [Path, string][] {
  const expressions: [Path, string][] = [];
  for (const field of EXPRESSION_FIELDS[kind]) {
    const value = field.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], parsed);
    if (typeof value === 'string') expressions.push([[...path, ...field], value]);
  }
  if (kind === 'branch') {
    (parsed.branch as { when?: string }[]).forEach((b, i) => {
      if (b.when) expressions.push([[...path, 'branch', i, 'when'], b.when]);
    });
  }
  if (kind === 'aggregate') {
    const agg = parsed.aggregate as {
      fields: Record<string, Record<string, unknown>>;
      window?: { timestamp?: string };
    };
    for (const [field, spec] of Object.entries(agg.fields)) {
      for (const [op, expr] of Object.entries(spec)) {
        if (typeof expr === 'string') expressions.push([[...path, 'aggregate', 'fields', field, op], expr]);
      }
    }
    if (agg.window?.timestamp)
      expressions.push([[...path, 'aggregate', 'window', 'timestamp'], agg.window.timestamp]);
  }
  return expressions;
}

interface Node {
  type?: string;
  value?: unknown;
  position?: number;
  procedure?: Node;
  arguments?: Node[];
  lhs?: unknown;
  rhs?: Node;
}

/** The problems of one expression, as messages; none when it is fine. */
export function expressionProblems(text: string): string[] {
  let ast: Node;
  try {
    ast = jsonata(text).ast() as Node;
  } catch (err) {
    const e = err as { message: string; position?: number };
    return [
      `expression does not parse: ${e.message}${e.position !== undefined ? ` (at character ${e.position})` : ''}`,
    ];
  }
  const defined = new Set<string>();
  const calls: { name: string; position: number | undefined; args: number; partial: boolean }[] = [];
  walk(ast, (node, parent) => {
    if (node.type === 'bind' && (node.lhs as Node | undefined)?.type === 'variable') {
      defined.add((node.lhs as Node).value as string);
    }
    if (node.type === 'lambda') for (const a of node.arguments ?? []) defined.add(a.value as string);
    if ((node.type === 'function' || node.type === 'partial') && node.procedure?.type === 'variable') {
      // `x ~> $f(a)` calls $f with x before a
      const applied = parent?.type === 'apply' && parent.rhs === node ? 1 : 0;
      calls.push({
        name: node.procedure.value as string,
        position: node.position,
        args: (node.arguments?.length ?? 0) + applied,
        partial: node.type === 'partial',
      });
    }
  });
  const problems: string[] = [];
  for (const call of calls) {
    if (defined.has(call.name)) continue;
    const at = call.position === undefined ? '' : ` (at character ${call.position})`;
    if (!isJsonataFunction(call.name)) {
      const near = suggest(call.name, jsonataFunctionNames());
      problems.push(`unknown function $${call.name}${near ? `; did you mean $${near}?` : ''}${at}`);
      continue;
    }
    const arity = arityOf(call.name);
    if (call.partial || arity === undefined || (call.args >= arity.min && call.args <= arity.max)) continue;
    const takes =
      arity.min === arity.max
        ? `${arity.min} argument${arity.min === 1 ? '' : 's'}`
        : arity.max === Number.POSITIVE_INFINITY
          ? `at least ${arity.min} argument${arity.min === 1 ? '' : 's'}`
          : `${arity.min} to ${arity.max} arguments`;
    problems.push(`$${call.name} takes ${takes}, not ${call.args}${at}`);
  }
  return problems;
}

function walk(node: unknown, visit: (node: Node, parent: Node | undefined) => void, parent?: Node): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit, parent);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as Node;
  if (typeof n.type === 'string') visit(n, parent);
  for (const child of Object.values(n)) {
    if (child !== null && typeof child === 'object')
      walk(child, visit, typeof n.type === 'string' ? n : parent);
  }
}
