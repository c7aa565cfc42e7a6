import { z } from 'zod';
import { field } from '../../config-fields.js';
import { definePredicate } from '../transformation.js';

/** True for records with at least one header named `name`. */
export const hasHeaderKey = definePredicate({
  name: 'HasHeaderKey',
  kafkaClass: 'org.apache.kafka.connect.transforms.predicates.HasHeaderKey',
  description: 'Matches records that have a header with the given name',
  config: z.strictObject({ name: field.string('The header name') }),
  create(c) {
    return { test: (record) => (record.headers ?? []).some((h) => h.key === c.name) };
  },
});
