import { InvalidTopicError } from '../errors.js';

/** Kafka's limit: a partition directory `<topic>-<partition>` must stay under 255 bytes. */
export const MAX_TOPIC_NAME_LENGTH = 249;

const LEGAL = /^[a-zA-Z0-9._-]+$/;

/**
 * Throws {@link InvalidTopicError} unless `name` is a topic name Kafka accepts: 1 to 249 characters of
 * `[a-zA-Z0-9._-]`, and neither `.` nor `..`. With no `/` and no `..`, no name can reach outside the log directory.
 */
export function validateTopicName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidTopicError(String(name), 'it is empty');
  if (name === '.' || name === '..') throw new InvalidTopicError(name, 'it cannot be "." or ".."');
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    throw new InvalidTopicError(
      name,
      `it is ${name.length} characters long; the limit is ${MAX_TOPIC_NAME_LENGTH}`,
    );
  }
  if (!LEGAL.test(name)) {
    const bad = [...name].find((c) => !LEGAL.test(c));
    throw new InvalidTopicError(
      name,
      `character ${JSON.stringify(bad)} is not allowed; use only ASCII letters, digits, ".", "_" and "-"`,
    );
  }
}
