import { z } from 'zod';
import { field } from '../config-fields.js';
import { type Schema, struct } from '../data/schema.js';
import { DataError } from '../errors.js';
import { requireMap, requireStruct } from './require.js';
import { fieldValue } from './struct-values.js';
import { defineTransform } from './transformation.js';

const config = z.strictObject({
  fields: field.requiredList('Fields of the value to copy into the new key'),
  'replace.null.with.default': field.bool(true, "Use a field's default when its value is null"),
});

/** Replaces the key with a map or struct of some fields of the value. */
export const valueToKey = defineTransform({
  name: 'ValueToKey',
  kafkaClass: 'org.apache.kafka.connect.transforms.ValueToKey',
  sided: false,
  description: 'Replace the key with fields taken from the value',
  config,
  create(c) {
    const cache = new WeakMap<Schema, Schema>();
    return {
      apply(record) {
        const schema = record.valueSchema;
        if (!schema) {
          const value = requireMap(record.value, 'copying fields from value to key');
          const key: Record<string, unknown> = {};
          for (const name of c.fields) key[name] = value[name] ?? null;
          return { ...record, keySchema: null, key };
        }
        const value = requireStruct(schema, record.value, 'copying fields from value to key');
        const picked = c.fields.map((name) => {
          const f = schema.fields?.find((x) => x.name === name);
          if (!f) throw new DataError(`Field does not exist: ${name}`);
          return f;
        });
        let keySchema = cache.get(schema);
        if (!keySchema) {
          keySchema = struct(picked.map((f) => [f.name, f.schema]));
          cache.set(schema, keySchema);
        }
        const key: Record<string, unknown> = {};
        for (const f of picked) key[f.name] = fieldValue(value, f, c['replace.null.with.default']);
        return { ...record, keySchema, key };
      },
    };
  },
});
