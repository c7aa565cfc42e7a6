import { z } from 'zod';
import { field } from '../config-fields.js';
import { parseLiteral } from './literal.js';
import { defineTransform } from './transformation.js';

const config = z.strictObject({
  header: field.string('Name of the header to add'),
  'value.literal': field.string(
    'Value of the header; its type is inferred (boolean, integer, decimal or string)',
  ),
});

/** Adds a header with a fixed value to every record (other headers with the name stay). */
export const insertHeader = defineTransform({
  name: 'InsertHeader',
  kafkaClass: 'org.apache.kafka.connect.transforms.InsertHeader',
  sided: false,
  description: 'Add a header with a literal value',
  config,
  create(c) {
    const { schema, value } = parseLiteral(c['value.literal']);
    return {
      apply(record) {
        return { ...record, headers: [...(record.headers ?? []), { key: c.header, value, schema }] };
      },
    };
  },
});
