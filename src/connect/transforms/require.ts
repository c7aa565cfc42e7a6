import type { Schema } from '../data/schema.js';
import { DataError } from '../errors.js';

function kind(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Buffer.isBuffer(value)) return 'Buffer';
  if (value instanceof Date) return 'Date';
  return typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !Buffer.isBuffer(value) &&
    !(value instanceof Date) &&
    !(value instanceof Map)
  );
}

/** A schemaless value as a map (plain object); a `Map` with string keys is accepted and copied. */
export function requireMap(value: unknown, purpose: string): Record<string, unknown> {
  if (value instanceof Map) return Object.fromEntries(value);
  if (!isPlainObject(value)) {
    throw new DataError(
      `Only Map objects supported in absence of schema for [${purpose}], found: ${kind(value)}`,
    );
  }
  return value;
}

export function requireMapOrNull(value: unknown, purpose: string): Record<string, unknown> | null {
  return value === null || value === undefined ? null : requireMap(value, purpose);
}

/** A value with a struct schema: the schema must be a struct and the value an object. */
export function requireStruct(schema: Schema, value: unknown, purpose: string): Record<string, unknown> {
  if (schema.type !== 'struct' || !isPlainObject(value)) {
    throw new DataError(
      `Only Struct objects supported for [${purpose}], found: ${schema.type} ${kind(value)}`,
    );
  }
  return value;
}

export function requireStructOrNull(
  schema: Schema,
  value: unknown,
  purpose: string,
): Record<string, unknown> | null {
  return value === null || value === undefined ? null : requireStruct(schema, value, purpose);
}
