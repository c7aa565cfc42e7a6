/**
 * The shape of a message declared as data, in the manner of Kafka's own JSON message definitions: each field once,
 * with the versions it exists in, the versions in which it may be null, and (for flexible versions) an optional tag.
 * Encoders and decoders for every version are derived from these declarations (codec.ts), and so are the
 * TypeScript types of decoded messages ({@link MessageOf}).
 *
 * Version ranges are written as Kafka writes them: `'3+'` (3 and later), `'0-4'`, `'5'` (only 5), `'none'`.
 */

/** Scalar and byte types a field may have. `records` is a byte field holding record batches, passed through raw. */
export type PrimitiveType =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'uuid'
  | 'string'
  | 'bytes'
  | 'records';

export type FieldType = PrimitiveType | `${PrimitiveType}[]` | 'struct' | 'struct[]';

export interface FieldSpec {
  /** Property name in the decoded object (camelCase of Kafka's name). */
  readonly name: string;
  readonly type: FieldType;
  /** Versions the field is part of the message in. */
  readonly versions: string;
  /** Versions in which the value may be null (strings, bytes, records, arrays, structs). */
  readonly nullableVersions?: string;
  /** Value taken when the field is absent in a version, or left out of an object being encoded. */
  readonly default?: number | string | boolean | null;
  /** Tag number: the field travels in the tagged-field section of flexible versions, and only when not default. */
  readonly tag?: number;
  /** For `struct` and `struct[]`: the nested fields. */
  readonly fields?: readonly FieldSpec[];
}

/** One message (a request or a response of one API) across all its versions. */
export interface MessageSpec {
  /** Kafka's name, e.g. `ProduceRequest`. */
  readonly name: string;
  readonly apiKey: number;
  readonly validVersions: string;
  /** Versions using compact strings/arrays and tagged fields. */
  readonly flexibleVersions: string;
  readonly fields: readonly FieldSpec[];
}

/** A request and its response, which always share their version numbers. */
export interface ApiSpec<Req extends MessageSpec = MessageSpec, Res extends MessageSpec = MessageSpec> {
  readonly apiKey: number;
  readonly name: string;
  readonly request: Req;
  readonly response: Res;
}

interface PrimitiveValues {
  bool: boolean;
  int8: number;
  int16: number;
  uint16: number;
  int32: number;
  uint32: number;
  int64: number;
  float64: number;
  uuid: Buffer;
  string: string;
  bytes: Buffer;
  records: Buffer;
}

type NonNullValue<F extends FieldSpec> = F['type'] extends 'struct[]'
  ? StructOf<NonNullable<F['fields']>>[]
  : F['type'] extends 'struct'
    ? StructOf<NonNullable<F['fields']>>
    : F['type'] extends `${infer P extends PrimitiveType}[]`
      ? PrimitiveValues[P][]
      : F['type'] extends PrimitiveType
        ? PrimitiveValues[F['type']]
        : never;

/** The decoded value of one field: null is possible when the field declares nullable versions. */
export type ValueOf<F extends FieldSpec> = F extends { nullableVersions: string }
  ? NonNullValue<F> | null
  : NonNullValue<F>;

/** The decoded object of a list of fields. Absent fields hold their defaults, so every key is present. */
export type StructOf<Fs extends readonly FieldSpec[]> = { [F in Fs[number] as F['name']]: ValueOf<F> };

/** The decoded object of a message, at any version. */
export type MessageOf<M extends MessageSpec> = StructOf<M['fields']>;

type InputValue<F extends FieldSpec> = (
  F['type'] extends 'struct[]'
    ? InputOf<NonNullable<F['fields']>>[]
    : F['type'] extends 'struct'
      ? InputOf<NonNullable<F['fields']>>
      : NonNullValue<F>
) extends infer V
  ? F extends { nullableVersions: string }
    ? V | null
    : V
  : never;

/**
 * An object to encode: every field optional (a missing one is written as its default), nested structs likewise.
 * Handlers build responses of this type and need only name what differs from the defaults.
 */
export type InputOf<Fs extends readonly FieldSpec[]> = { [F in Fs[number] as F['name']]?: InputValue<F> };

/** An inclusive version range; `max` is Infinity for open ranges, `min > max` for `'none'`. */
export interface VersionRange {
  min: number;
  max: number;
}

export function parseVersions(spec: string): VersionRange {
  if (spec === 'none') return { min: 1, max: 0 };
  if (spec.endsWith('+')) return { min: Number(spec.slice(0, -1)), max: Number.POSITIVE_INFINITY };
  const dash = spec.indexOf('-');
  if (dash > 0) return { min: Number(spec.slice(0, dash)), max: Number(spec.slice(dash + 1)) };
  return { min: Number(spec), max: Number(spec) };
}

export function inVersions(spec: string | undefined, version: number): boolean {
  if (spec === undefined) return false;
  const { min, max } = parseVersions(spec);
  return version >= min && version <= max;
}
