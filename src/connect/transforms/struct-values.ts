import type { Field } from '../data/schema.js';

/**
 * A struct field's value as Kafka's `Struct.get` returns it: the field's default when the value is null and
 * `replaceNullWithDefault` is on (Kafka's `replace.null.with.default`, true by default).
 */
export function fieldValue(
  struct: Record<string, unknown>,
  f: Field,
  replaceNullWithDefault: boolean,
): unknown {
  const v = struct[f.name];
  if ((v === null || v === undefined) && replaceNullWithDefault && f.schema.defaultValue !== undefined) {
    return f.schema.defaultValue;
  }
  return v ?? null;
}

/** Copies a schema's metadata (name, version, doc, parameters, optional) without its type-specific parts. */
export function schemaMeta(schema: {
  optional: boolean;
  name?: string;
  version?: number;
  doc?: string;
  parameters?: Record<string, string>;
}): {
  optional: boolean;
  name?: string;
  version?: number;
  doc?: string;
  parameters?: Record<string, string>;
} {
  const meta: ReturnType<typeof schemaMeta> = { optional: schema.optional };
  if (schema.name !== undefined) meta.name = schema.name;
  if (schema.version !== undefined) meta.version = schema.version;
  if (schema.doc !== undefined) meta.doc = schema.doc;
  if (schema.parameters !== undefined) meta.parameters = schema.parameters;
  return meta;
}
