import { z } from 'zod';
import { defineTransform } from './transformation.js';

/** Drops every record; used with a predicate (`transforms.f.predicate=isTombstone`) to drop some. */
export const filter = defineTransform({
  name: 'Filter',
  kafkaClass: 'org.apache.kafka.connect.transforms.Filter',
  sided: false,
  description: 'Drop records (combine with a predicate to drop only some)',
  config: z.strictObject({}),
  create() {
    return { apply: () => null };
  },
});
