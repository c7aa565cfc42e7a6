import { ConfigError, ExpressionError } from '../errors.js';
import type { StreamRecord } from '../streams/index.js';
import type { Fn, VariableReader } from './expression/compile.js';
import { isJsonataError } from './expression/jsonata-error.js';
import { compileProgram, type Program } from './expression/program.js';

/**
 * A compiled JSONata expression over a record. The record's value is the input (`amount > 0`, `{ "id": id }`);
 * the rest of the record is bound as variables: `$key`, `$timestamp`, `$topic`, `$partition`, `$offset`, and
 * `$headers` (an object of header values as strings). A failure throws an {@link ExpressionError} with JSONata's
 * code, message and position.
 *
 * Common expressions run as JavaScript compiled from JSONata's parse tree (see `expression/compile.ts`), with
 * JSONata's semantics; the rest are evaluated by jsonata 1.8, whose synchronous `evaluate` fits pipeline steps:
 * they run inside the Streams topology, which pushes each record through every operator before the next one,
 * and commits input offsets only once a record's effects are written. The 2.x line made evaluation asynchronous.
 */
export type RecordExpression = (record: StreamRecord<unknown, unknown>) => unknown;

/** A record expression, and whether it runs compiled (for tests and benchmarks). */
export interface CompiledRecordExpression extends RecordExpression {
  readonly compiled: boolean;
}

export function compileExpression(text: string, where: string): CompiledRecordExpression {
  let program: Program;
  try {
    program = compileProgram(text, recordVariable, bindingsOf(text));
  } catch (err) {
    const e = err as { message: string; position?: number };
    throw new ConfigError(
      `${where}: expression does not parse: ${e.message}${e.position !== undefined ? ` (at character ${e.position})` : ''}`,
      { key: where },
    );
  }
  const evaluate: RecordExpression = (record) => {
    try {
      return program.evaluate(record.value, record);
    } catch (err) {
      throw isJsonataError(err) ? new ExpressionError(text, err) : err;
    }
  };
  return Object.assign(evaluate, { compiled: program.compiled });
}

type AnyRecord = StreamRecord<unknown, unknown>;

const RECORD_VARIABLES = ['key', 'timestamp', 'topic', 'partition', 'offset', 'headers'] as const;

const readers: Record<string, Fn> = {
  key: (_i, s) => (s.vars as AnyRecord).key,
  timestamp: (_i, s) => (s.vars as AnyRecord).timestamp,
  topic: (_i, s) => (s.vars as AnyRecord).topic,
  partition: (_i, s) => (s.vars as AnyRecord).partition,
  offset: (_i, s) => (s.vars as AnyRecord).offset,
  headers: (_i, s) => headersOf(s.vars as AnyRecord),
};

/** Compiled code reads the record variables straight from the record. */
const recordVariable: VariableReader = (name) => (Object.hasOwn(readers, name) ? readers[name] : undefined);

/**
 * The bindings jsonata gets when it evaluates instead. JSONata binds every variable it is given on each
 * evaluation (a new frame each time): bind only those the expression names, and none at all for the common
 * expressions over the value alone.
 */
function bindingsOf(text: string): (record: unknown) => Record<string, unknown> | undefined {
  const names = RECORD_VARIABLES.filter((v) => new RegExp(`\\$${v}\\b`).test(text));
  if (names.length === 0) return () => undefined;
  return (r) => {
    const record = r as AnyRecord;
    const bindings: Record<string, unknown> = {};
    for (const name of names) bindings[name] = name === 'headers' ? headersOf(record) : record[name];
    return bindings;
  };
}

function headersOf(record: AnyRecord): Record<string, string | null> {
  return Object.fromEntries(record.headers.map((h) => [h.key, h.value?.toString() ?? null]));
}

/** JSONata's truthiness for filters: an undefined result (a missing field) is false, as are false, 0, "" and null. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(truthy);
  return Boolean(value);
}
