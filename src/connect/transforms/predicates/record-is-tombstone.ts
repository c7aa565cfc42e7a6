import { z } from 'zod';
import { definePredicate } from '../transformation.js';

/** True for tombstones: records whose value is null. */
export const recordIsTombstone = definePredicate({
  name: 'RecordIsTombstone',
  kafkaClass: 'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone',
  description: 'Matches tombstones (records with a null value)',
  config: z.strictObject({}),
  create() {
    return { test: (record) => record.value === null || record.value === undefined };
  },
});
