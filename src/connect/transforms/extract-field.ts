import { z } from 'zod';
import { field } from '../config-fields.js';
import type { Schema } from '../data/schema.js';
import { DataError } from '../errors.js';
import { fieldPath } from './field-path.js';
import { requireMapOrNull, requireStructOrNull } from './require.js';
import { fieldValue } from './struct-values.js';
import { defineTransform, operating, replaced } from './transformation.js';

const config = z.strictObject({
  field: field.string('Name of the field to extract (a dotted path with field.syntax.version=V2)'),
  'field.syntax.version': field.enumOf(
    ['V1', 'V2'],
    'V1',
    'V1: the name is literal; V2: dots separate nested fields',
  ),
  'replace.null.with.default': field.bool(true, "Use a field's default when its value is null"),
});

/** Replaces the key or value with one of its fields: a map entry, or a struct field with that field's schema. */
export const extractField = defineTransform({
  name: 'ExtractField',
  kafkaClass: 'org.apache.kafka.connect.transforms.ExtractField',
  sided: true,
  description: 'Replace the key or value with one of its fields',
  config,
  create(c, side) {
    const path = fieldPath(c.field, c['field.syntax.version']);
    return {
      apply(record) {
        const { schema, value } = operating(record, side);
        if (!schema) {
          let current: unknown = requireMapOrNull(value, 'field extraction');
          for (const part of path) {
            if (current === null) break;
            current = requireMapOrNull(current, 'field extraction')?.[part] ?? null;
          }
          return replaced(record, side, null, current ?? null);
        }
        let s: Schema = schema;
        let current: Record<string, unknown> | null | unknown = requireStructOrNull(
          schema,
          value,
          'field extraction',
        );
        for (const part of path) {
          const f = s.fields?.find((x) => x.name === part);
          if (!f) throw new DataError(`Unknown field: ${c.field}`);
          current =
            current === null
              ? null
              : fieldValue(current as Record<string, unknown>, f, c['replace.null.with.default']);
          s = f.schema;
        }
        return replaced(record, side, s, current);
      },
    };
  },
});
