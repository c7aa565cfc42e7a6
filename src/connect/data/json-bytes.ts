import { parseJson } from '../../client/exact-json.js';

/**
 * A record value handed out as the JSON text (UTF-8) that the JSON converter would write for it, instead of the
 * value itself: a task may do so only when its context says values go straight to that converter
 * ({@link SourceTaskContext.valueFormat} is `'json'`), and then saves building an object per record only for the
 * converter to take it apart again. The JSON converter writes the bytes as they are, inside its envelope with
 * `schemas.enable`: the envelope of the record's value schema, which must then be the schema the bytes were written
 * for (a null schema for schemaless JSON). Anything else that needs the value reads `value()`.
 */
export class JsonBytes {
  constructor(
    /** Exactly the converter's bytes for the value: compact, keys in order, Java's spelling of floats. */
    readonly bytes: Buffer,
  ) {}

  /** The value, parsed from the bytes as the JSON converter reads them (long integers exactly, as bigints). */
  value(): unknown {
    return parseJson(this.bytes.toString('utf8'));
  }

  toJSON(): unknown {
    return this.value();
  }

  toString(): string {
    return this.bytes.toString('utf8');
  }
}
