import { z } from 'zod';
import { field } from '../../config-fields.js';
import { definePredicate } from '../transformation.js';

const config = z.strictObject({
  pattern: field.string('Regular expression that the whole topic name must match').refine(
    (p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression' },
  ),
});

/** True for records whose topic name matches `pattern` in full. */
export const topicNameMatches = definePredicate({
  name: 'TopicNameMatches',
  kafkaClass: 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
  description: 'Matches records whose topic name matches a regular expression',
  config,
  create(c) {
    const regex = new RegExp(`^(?:${c.pattern})$`);
    return { test: (record) => regex.test(record.topic) };
  },
});
