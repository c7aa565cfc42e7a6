/**
 * One JSONata expression, compiled where it can be and evaluated by jsonata where not: the single place that
 * decides between the two, so both give the same values and the same errors.
 */
import jsonata from 'jsonata';
import { BAIL, Compiler, type Fn, run, type Scope, type VariableReader } from './compile.js';

export interface Program {
  /** Whether the expression runs as compiled JavaScript (else every evaluation is jsonata's). */
  readonly compiled: boolean;
  /**
   * The expression's value for `input`, with `vars` as the variable source the reader of {@link compileProgram}
   * was written for. Throws what jsonata throws (an object with `code`, `message`, `position`, `token`).
   */
  evaluate(input: unknown, vars: unknown): unknown;
}

/**
 * `text` parsed by jsonata (a syntax error throws jsonata's error), compiled with `variable` to read bound
 * variables, and `bindings` to give jsonata the same variables when it evaluates instead.
 */
export function compileProgram(
  text: string,
  variable: VariableReader,
  bindings: (vars: unknown) => Record<string, unknown> | undefined,
): Program {
  const expression = jsonata(text);
  const fallback = (input: unknown, vars: unknown) => expression.evaluate(input, bindings(vars));
  let fn: Fn | undefined;
  try {
    fn = new Compiler(variable).compile(expression.ast() as never);
  } catch {
    fn = undefined; // a parse tree of a shape the compiler did not expect: jsonata evaluates it
  }
  if (fn === undefined) return { compiled: false, evaluate: fallback };
  const program = fn;
  const scope: Scope = { root: undefined, vars: undefined };
  return {
    compiled: true,
    evaluate(input, vars) {
      scope.vars = vars;
      try {
        return run(program, scope, input);
      } catch (err) {
        if (err === BAIL) return fallback(input, vars);
        throw err;
      }
    },
  };
}

/** Variables read from an object of bindings, as `jsonata(text).evaluate(input, bindings)` binds them. */
export function bindingsReader(names: Iterable<string>): VariableReader {
  const bound = new Set(names);
  return (name) =>
    bound.has(name)
      ? (_input, scope) => {
          const vars = scope.vars as Record<string, unknown> | undefined;
          return vars !== undefined && Object.hasOwn(vars, name) ? vars[name] : undefined;
        }
      : undefined;
}
