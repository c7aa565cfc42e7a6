import jsonata from 'jsonata';
import { ConfigError } from '../errors.js';
import type { StreamRecord } from '../streams/index.js';

/**
 * A compiled JSONata expression over a record. The record's value is the input (`amount > 0`, `{ "id": id }`);
 * the rest of the record is bound as variables: `$key`, `$timestamp`, `$topic`, `$partition`, `$offset`, and
 * `$headers` (an object of header values as strings).
 *
 * JSONata 1.8 is used for its synchronous `evaluate`: pipeline steps run inside the Streams topology, which pushes
 * each record through every operator before the next one, and commits input offsets only once a record's effects
 * are written. The 2.x line made evaluation asynchronous, which would break that.
 */
export type RecordExpression = (record: StreamRecord<unknown, unknown>) => unknown;

export function compileExpression(text: string, where: string): RecordExpression {
  let expression: ReturnType<typeof jsonata>;
  try {
    expression = jsonata(text);
  } catch (err) {
    const e = err as { message: string; position?: number };
    throw new ConfigError(
      `${where}: expression does not parse: ${e.message}${e.position !== undefined ? ` (at character ${e.position})` : ''}`,
      {
        key: where,
      },
    );
  }
  // JSONata binds every variable it is given on each evaluation (a new frame each time): bind only those the
  // expression names, and none at all for the common expressions over the value alone.
  const used = variablesOf(expression.ast());
  const names = RECORD_VARIABLES.filter((v) => used.has(v));
  if (names.length === 0) return (record) => expression.evaluate(record.value);
  return (record) => {
    const bindings: Record<string, unknown> = {};
    for (const name of names) bindings[name] = name === 'headers' ? headersOf(record) : record[name];
    return expression.evaluate(record.value, bindings);
  };
}

const RECORD_VARIABLES = ['key', 'timestamp', 'topic', 'partition', 'offset', 'headers'] as const;

function headersOf(record: StreamRecord<unknown, unknown>): Record<string, string | null> {
  return Object.fromEntries(record.headers.map((h) => [h.key, h.value?.toString() ?? null]));
}

/** The names of the `$variables` an expression's syntax tree mentions anywhere. */
function variablesOf(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) variablesOf(n, found);
  else if (node !== null && typeof node === 'object') {
    const n = node as { type?: unknown; value?: unknown };
    if (n.type === 'variable' && typeof n.value === 'string') found.add(n.value);
    for (const child of Object.values(node)) variablesOf(child, found);
  }
  return found;
}

/** JSONata's truthiness for filters: an undefined result (a missing field) is false, as are false, 0, "" and null. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(truthy);
  return Boolean(value);
}
