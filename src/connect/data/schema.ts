/**
 * Kafka Connect's data model: a {@link Schema} describes a key, value or header, so that converters and transforms
 * can work on typed data without knowing where it came from. A schema is optional throughout: a record whose
 * schema is null is "schemaless" and its value is plain JSON-like data.
 *
 * Values for each type: integers and floats are JavaScript numbers (int64 beyond 2^53 loses precision, as in
 * JSON), `boolean`, `string`, `bytes` is a Buffer, `array` a JS array, `map` a `Map` (or a plain object when its keys
 * are strings), `struct` a plain object whose keys are the schema's field names in field order. Logical types
 * (Date, Time, Timestamp) are `Date` objects over their int32/int64 base type, as Kafka's `java.util.Date`.
 */

/** The primitive and container types of Kafka Connect, lower-case as they appear in the JSON schema envelope. */
export type SchemaType =
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float32'
  | 'float64'
  | 'boolean'
  | 'string'
  | 'bytes'
  | 'array'
  | 'map'
  | 'struct';

export interface Field {
  name: string;
  /** Position in the struct, from 0. */
  index: number;
  schema: Schema;
}

export interface Schema {
  type: SchemaType;
  /** Whether the value may be null. */
  optional: boolean;
  /** Fully qualified name; logical types are named, e.g. `org.apache.kafka.connect.data.Timestamp`. */
  name?: string;
  version?: number;
  doc?: string;
  parameters?: Record<string, string>;
  defaultValue?: unknown;
  /** struct only, in order. */
  fields?: Field[];
  /** map only. */
  keySchema?: Schema;
  /** array (the element) and map only. */
  valueSchema?: Schema;
}

/** Names of Kafka's logical types. */
export const LogicalType = {
  Timestamp: 'org.apache.kafka.connect.data.Timestamp', // int64 ms since the epoch
  Date: 'org.apache.kafka.connect.data.Date', // int32 days since the epoch
  Time: 'org.apache.kafka.connect.data.Time', // int32 ms since midnight
  Decimal: 'org.apache.kafka.connect.data.Decimal', // bytes, two's complement unscaled value; parameter `scale`
} as const;

export const PRIMITIVE_TYPES: readonly SchemaType[] = [
  'int8',
  'int16',
  'int32',
  'int64',
  'float32',
  'float64',
  'boolean',
  'string',
  'bytes',
];

type Extra = Omit<Partial<Schema>, 'type' | 'fields' | 'keySchema' | 'valueSchema'>;

/** A primitive schema, required unless `extra.optional`. */
export function primitive(type: SchemaType, extra: Extra = {}): Schema {
  return { type, optional: false, ...extra };
}

/** A struct schema; fields are given as `[name, schema]` pairs in order. */
export function struct(fields: readonly (readonly [string, Schema])[], extra: Extra = {}): Schema {
  return {
    type: 'struct',
    optional: false,
    ...extra,
    fields: fields.map(([name, schema], index) => ({ name, index, schema })),
  };
}

export function array(valueSchema: Schema, extra: Extra = {}): Schema {
  return { type: 'array', optional: false, ...extra, valueSchema };
}

export function map(keySchema: Schema, valueSchema: Schema, extra: Extra = {}): Schema {
  return { type: 'map', optional: false, ...extra, keySchema, valueSchema };
}

/** The same schema, optional. */
export function optional(schema: Schema): Schema {
  return schema.optional ? schema : { ...schema, optional: true };
}

/** Shorthands for the schemas used most. */
export const Schemas = {
  INT8: primitive('int8'),
  INT16: primitive('int16'),
  INT32: primitive('int32'),
  INT64: primitive('int64'),
  FLOAT32: primitive('float32'),
  FLOAT64: primitive('float64'),
  BOOLEAN: primitive('boolean'),
  STRING: primitive('string'),
  BYTES: primitive('bytes'),
  OPTIONAL_INT8: primitive('int8', { optional: true }),
  OPTIONAL_INT16: primitive('int16', { optional: true }),
  OPTIONAL_INT32: primitive('int32', { optional: true }),
  OPTIONAL_INT64: primitive('int64', { optional: true }),
  OPTIONAL_FLOAT32: primitive('float32', { optional: true }),
  OPTIONAL_FLOAT64: primitive('float64', { optional: true }),
  OPTIONAL_BOOLEAN: primitive('boolean', { optional: true }),
  OPTIONAL_STRING: primitive('string', { optional: true }),
  OPTIONAL_BYTES: primitive('bytes', { optional: true }),
  TIMESTAMP: primitive('int64', { name: LogicalType.Timestamp, version: 1 }),
  OPTIONAL_TIMESTAMP: primitive('int64', { name: LogicalType.Timestamp, version: 1, optional: true }),
  DATE: primitive('int32', { name: LogicalType.Date, version: 1 }),
  OPTIONAL_DATE: primitive('int32', { name: LogicalType.Date, version: 1, optional: true }),
  TIME: primitive('int32', { name: LogicalType.Time, version: 1 }),
  OPTIONAL_TIME: primitive('int32', { name: LogicalType.Time, version: 1, optional: true }),
} as const;

/** The field named `name` of a struct schema, or undefined. */
export function fieldOf(schema: Schema, name: string): Field | undefined {
  return schema.fields?.find((f) => f.name === name);
}

export function isLogical(schema: Schema | null | undefined, name: string): boolean {
  return schema?.name === name;
}
