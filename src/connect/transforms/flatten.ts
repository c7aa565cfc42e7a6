import { z } from 'zod';
import { field } from '../config-fields.js';
import { type Schema, struct } from '../data/schema.js';
import { DataError } from '../errors.js';
import { requireMapOrNull, requireStructOrNull } from './require.js';
import { schemaMeta } from './struct-values.js';
import { defineTransform, operating, replaced } from './transformation.js';

const config = z.strictObject({
  delimiter: field.stringDefault('.', 'Put between the names of a nested field and its parents'),
});

function isMap(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date)
  );
}

/**
 * Flattens nested structs (with a schema) or maps (without) into one level, joining names with `delimiter`:
 * `{a: {b: 1}}` becomes `{"a.b": 1}`. Arrays are kept as they are. A nested field becomes optional when any of
 * its parents is.
 */
export const flatten = defineTransform({
  name: 'Flatten',
  kafkaClass: 'org.apache.kafka.connect.transforms.Flatten',
  sided: true,
  description: 'Flatten nested structs or maps into one level',
  config,
  create(c, side) {
    const delimiter = c.delimiter;
    const name = (prefix: string, n: string) => (prefix === '' ? n : `${prefix}${delimiter}${n}`);
    const cache = new WeakMap<Schema, Schema>();

    const flatMap = (prefix: string, map: Record<string, unknown>, out: Record<string, unknown>) => {
      const entries = map instanceof Map ? [...(map as Map<string, unknown>).entries()] : Object.entries(map);
      for (const [k, v] of entries) {
        if (v instanceof Map || isMap(v)) flatMap(name(prefix, k), v as Record<string, unknown>, out);
        else out[name(prefix, k)] = v ?? null;
      }
    };

    const flatFields = (prefix: string, schema: Schema, optional: boolean, out: [string, Schema][]) => {
      for (const f of schema.fields ?? []) {
        const isOptional = optional || f.schema.optional;
        if (f.schema.type === 'struct') flatFields(name(prefix, f.name), f.schema, isOptional, out);
        else out.push([name(prefix, f.name), isOptional ? { ...f.schema, optional: true } : f.schema]);
      }
    };

    const flatValues = (
      prefix: string,
      schema: Schema,
      value: Record<string, unknown> | null,
      out: Record<string, unknown>,
    ) => {
      for (const f of schema.fields ?? []) {
        const v = value === null ? null : (value[f.name] ?? null);
        if (f.schema.type === 'struct')
          flatValues(name(prefix, f.name), f.schema, v as Record<string, unknown> | null, out);
        else out[name(prefix, f.name)] = v;
      }
    };

    const updatedSchema = (schema: Schema): Schema => {
      let updated = cache.get(schema);
      if (!updated) {
        const fields: [string, Schema][] = [];
        flatFields('', schema, false, fields);
        const seen = new Set<string>();
        for (const [n] of fields) {
          if (seen.has(n))
            throw new DataError(`Flatten produces the field name "${n}" twice; choose another delimiter`);
          seen.add(n);
        }
        updated = struct(fields, schemaMeta(schema));
        cache.set(schema, updated);
      }
      return updated;
    };

    return {
      apply(record) {
        const { schema, value } = operating(record, side);
        if (!schema) {
          const map = requireMapOrNull(value, 'flattening');
          if (map === null) return record;
          const out: Record<string, unknown> = {};
          flatMap('', map, out);
          return replaced(record, side, null, out);
        }
        const s = requireStructOrNull(schema, value, 'flattening');
        const updated = updatedSchema(schema);
        if (s === null) return replaced(record, side, updated, null);
        const out: Record<string, unknown> = {};
        flatValues('', schema, s, out);
        return replaced(record, side, updated, out);
      },
    };
  },
});
