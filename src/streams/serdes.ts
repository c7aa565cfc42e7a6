import { parseJson, stringifyJson } from '../client/exact-json.js';
import type { Serde } from '../client/types.js';
import { BadInputError } from '../errors.js';

export type { Serde };

/** The serdes of a record's key and value. Omitted ones default to {@link Serdes.json}. */
export interface KeyValueSerdes<K, V> {
  key?: Serde<K>;
  value?: Serde<V>;
}

const buffer: Serde<Buffer> = {
  serialize: (value) => value,
  deserialize: (data) => data as Buffer,
};

const string: Serde<string> = {
  serialize: (value) => (value === null ? null : Buffer.from(value, 'utf8')),
  deserialize: (data) => (data === null ? null : data.toString('utf8')) as string,
};

const jsonSerde: Serde<unknown> = {
  serialize: (value) =>
    value === null || value === undefined ? null : Buffer.from(stringifyJson(value), 'utf8'),
  deserialize: (data, topic) => {
    if (data === null) return null;
    try {
      return parseJson(data.toString('utf8'));
    } catch (cause) {
      throw new BadInputError(
        `a record of topic ${JSON.stringify(topic)} is not valid JSON (${(cause as Error).message}); read it with the string or buffer serde`,
        { cause },
      );
    }
  },
};

/**
 * JSON as UTF-8; `null` and `undefined` are written as null bytes (a tombstone). Integers beyond 2^53 are written
 * from bigints and read back as bigints, exactly.
 */
function json<T>(): Serde<T> {
  return jsonSerde as Serde<T>;
}

const TWO_32 = 2 ** 32;

/** A signed 64-bit big-endian integer (Kafka's `LongSerde`), as a JavaScript number (safe integers only). */
const long: Serde<number> = {
  serialize: (value) => {
    if (value === null) return null;
    const out = Buffer.allocUnsafe(8);
    out.writeInt32BE(Math.floor(value / TWO_32), 0);
    out.writeUInt32BE(value >>> 0, 4);
    return out;
  },
  deserialize: (data, topic) => {
    if (data === null) return null as unknown as number;
    if (data.length !== 8) {
      throw new BadInputError(
        `a record of topic ${JSON.stringify(topic)} has ${data.length} bytes where a 64-bit integer (8 bytes) was expected`,
      );
    }
    return data.readInt32BE(0) * TWO_32 + data.readUInt32BE(4);
  },
};

/** An IEEE 754 double, big-endian (Kafka's `DoubleSerde`). */
const double: Serde<number> = {
  serialize: (value) => {
    if (value === null) return null;
    const out = Buffer.allocUnsafe(8);
    out.writeDoubleBE(value, 0);
    return out;
  },
  deserialize: (data, topic) => {
    if (data === null) return null as unknown as number;
    if (data.length !== 8) {
      throw new BadInputError(
        `a record of topic ${JSON.stringify(topic)} has ${data.length} bytes where a double (8 bytes) was expected`,
      );
    }
    return data.readDoubleBE(0);
  },
};

/**
 * The serdes Streams ships, of the client's {@link Serde} shape so one serde serves both. Unlike the client's, these
 * are typed without `null`, and map null bytes to `null` and back whatever `T` says, as Kafka's do: a null key or a
 * tombstone value arrives as `null`; declare `K | null` or `V | null` where a topic may carry them.
 *
 * `buffer` (bytes as they are), `string` (UTF-8), `json<T>()`, `long` (int64, as Kafka's `LongSerde`, what
 * `countByKey` writes) and `double`.
 */
export const Serdes = { buffer, string, json, long, double } as const;
