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
  return (record) => {
    let headers: Record<string, string | null> | undefined;
    const bindings = {
      key: record.key,
      timestamp: record.timestamp,
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      get headers() {
        headers ??= Object.fromEntries(record.headers.map((h) => [h.key, h.value?.toString() ?? null]));
        return headers;
      },
    };
    return expression.evaluate(record.value, bindings);
  };
}

/** JSONata's truthiness for filters: an undefined result (a missing field) is false, as are false, 0, "" and null. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(truthy);
  return Boolean(value);
}
