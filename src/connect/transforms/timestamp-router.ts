import { z } from 'zod';
import { field } from '../config-fields.js';
import { DataError } from '../errors.js';
import { checkDateFormat, formatDate } from './date-format.js';
import { defineTransform } from './transformation.js';

const config = z.strictObject({
  'topic.format': field.stringDefault(
    '${topic}-${timestamp}',
    'The new topic name; ${topic} and ${timestamp} are replaced by the original topic and the formatted timestamp',
  ),
  'timestamp.format': field
    .stringDefault('yyyyMMdd', 'A java.text.SimpleDateFormat pattern for the timestamp, in UTC')
    .refine(
      (f) => {
        try {
          checkDateFormat(f);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'not a valid SimpleDateFormat pattern' },
    ),
});

/** Routes each record to a topic named after its topic and its timestamp, e.g. daily tables `orders-20240131`. */
export const timestampRouter = defineTransform({
  name: 'TimestampRouter',
  kafkaClass: 'org.apache.kafka.connect.transforms.TimestampRouter',
  sided: false,
  description: 'Rename the topic after the record timestamp',
  config,
  create(c) {
    return {
      apply(record) {
        if (record.timestamp === null || record.timestamp === undefined) {
          throw new DataError(
            `Timestamp missing on record of topic "${record.topic}"; TimestampRouter needs one`,
          );
        }
        const stamp = formatDate(new Date(record.timestamp), c['timestamp.format']);
        const topic = c['topic.format']
          .replaceAll('${topic}', record.topic)
          .replaceAll('${timestamp}', stamp);
        return { ...record, topic };
      },
    };
  },
});
