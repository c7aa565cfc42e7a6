import { BadInputError } from '../errors.js';
import { parseJson, stringifyJson } from './exact-json.js';

/**
 * Turns values of type `T` into record bytes and back. A serde must be pure and synchronous: a producer calls
 * `serialize` inside `send`, a consumer calls `deserialize` once per record before handing the record over.
 * Either may throw a {@link BadInputError}; a consumer reports it for the record's topic, partition and offset.
 */
export interface Serde<T> {
  /** Bytes for `value`; `null` means a null key or a tombstone value. */
  serialize(value: T, topic: string): Buffer | null;
  /** The value for stored bytes (`null` when the record had a null key or value). */
  deserialize(data: Buffer | null, topic: string): T;
}

/** What the default producer serde accepts: bytes as they are, strings as UTF-8, null as null. */
export type Bytes = Buffer | string | null;

const buffer: Serde<Buffer | null> = {
  serialize: (value) => value,
  deserialize: (data) => data,
};

const bytes: Serde<Bytes> = {
  serialize: (value) => (typeof value === 'string' ? Buffer.from(value, 'utf8') : value),
  deserialize: (data) => data,
};

const string: Serde<string | null> = {
  serialize: (value) => (value === null ? null : Buffer.from(value, 'utf8')),
  deserialize: (data) => (data === null ? null : data.toString('utf8')),
};

/**
 * JSON as UTF-8; `null` bytes read back as `null` (a tombstone), and JSON `null` is written as the text `null`.
 * Integers beyond 2^53 are written from bigints and read back as bigints, exactly.
 */
function json<T>(): Serde<T | null> {
  return {
    serialize: (value) => (value === null ? null : Buffer.from(stringifyJson(value), 'utf8')),
    deserialize: (data, topic) => {
      if (data === null) return null;
      try {
        return parseJson(data.toString('utf8')) as T;
      } catch (cause) {
        throw new BadInputError(
          `a record of topic ${JSON.stringify(topic)} is not valid JSON (${(cause as Error).message}); read it with the string or buffer serde`,
          { cause },
        );
      }
    },
  };
}

/** The built-in serdes: `buffer` (consumer default), `bytes` (producer default), `string`, and `json<T>()`. */
export const serdes = { buffer, bytes, string, json } as const;
