import { z } from 'zod';
import { field } from '../config-fields.js';

/**
 * The `errors.*` keys of a connector, with Kafka's names and defaults, except that dead-letter records carry their
 * context headers by default (Kafka's default is false): a dead-lettered record without its reason is hard to act on.
 */
export const errorConfigShape = {
  'errors.tolerance': field.enumOf(
    ['none', 'all'],
    'none',
    'none: a failing record fails the task; all: failing records are skipped (and dead-lettered when configured)',
  ),
  'errors.retry.timeout': field.int(
    0,
    'How long (ms) to keep retrying an operation that failed with a retriable error; 0 = no retries, -1 = forever',
    -1,
  ),
  'errors.retry.delay.max.ms': field.int(
    60_000,
    'Longest wait (ms) between two retries; waits double from 300 ms',
    1,
  ),
  'errors.log.enable': field.bool(false, 'Log each failure with its stage and record coordinates'),
  'errors.log.include.messages': field.bool(false, 'Include the key and value of failed records in the log'),
  'errors.deadletterqueue.topic.name': field.stringDefault(
    '',
    'Topic that receives records skipped by errors.tolerance=all',
  ),
  'errors.deadletterqueue.topic.replication.factor': field.int(
    3,
    'Accepted for compatibility with Kafka; a single-node log ignores it',
    -1,
  ),
  'errors.deadletterqueue.context.headers.enable': field.bool(
    true,
    'Add __connect.errors.* headers (stage, connector, task, exception, original topic/partition/offset)',
  ),
} as const;

export const errorConfig = z.strictObject(errorConfigShape);
export type ErrorConfig = z.output<typeof errorConfig>;
