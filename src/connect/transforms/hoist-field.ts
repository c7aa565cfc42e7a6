import { z } from 'zod';
import { field } from '../config-fields.js';
import { type Schema, struct } from '../data/schema.js';
import { defineTransform, operating, replaced } from './transformation.js';

const config = z.strictObject({
  field: field.string('Name of the single field of the new struct or map that wraps the old key or value'),
});

/** Wraps the key or value in a struct (with a schema) or a map (without) holding it as one field. */
export const hoistField = defineTransform({
  name: 'HoistField',
  kafkaClass: 'org.apache.kafka.connect.transforms.HoistField',
  sided: true,
  description: 'Wrap the key or value in a struct or map with one field',
  config,
  create(c, side) {
    const cache = new WeakMap<Schema, Schema>();
    return {
      apply(record) {
        const { schema, value } = operating(record, side);
        if (!schema) return replaced(record, side, null, { [c.field]: value ?? null });
        let updated = cache.get(schema);
        if (!updated) {
          updated = struct([[c.field, schema]]);
          cache.set(schema, updated);
        }
        return replaced(record, side, updated, { [c.field]: value ?? null });
      },
    };
  },
});
