import { z } from 'zod';
import { field } from '../config-fields.js';
import { defineTransform } from './transformation.js';

const config = z.strictObject({
  headers: field.requiredList('Names of the headers to remove'),
});

/** Removes every header whose name is listed. */
export const dropHeaders = defineTransform({
  name: 'DropHeaders',
  kafkaClass: 'org.apache.kafka.connect.transforms.DropHeaders',
  sided: false,
  description: 'Remove headers by name',
  config,
  create(c) {
    const names = new Set(c.headers);
    return {
      apply(record) {
        return { ...record, headers: (record.headers ?? []).filter((h) => !names.has(h.key)) };
      },
    };
  },
});
