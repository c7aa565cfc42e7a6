import { describe, expect, it } from 'vitest';
import { InvalidTopicError } from '../../src/errors.js';
import { validateTopicName } from '../../src/log/index.js';

describe('log › topic name', () => {
  it('accepts names Kafka accepts', () => {
    for (const name of ['orders', 'a', 'A.b_c-9', '__consumer_offsets', 'x'.repeat(249)]) {
      expect(() => validateTopicName(name)).not.toThrow();
    }
  });

  it.each([
    ['', 'empty'],
    ['.', '"." or ".."'],
    ['..', '"." or ".."'],
    ['x'.repeat(250), 'the limit is 249'],
    ['../etc', 'character "/" is not allowed'],
    ['a/b', 'character "/" is not allowed'],
    ['with space', 'character " " is not allowed'],
    ['ümlaut', 'character "ü" is not allowed'],
    ['nul\0', 'is not allowed'],
  ])('refuses %j (%s)', (name, reason) => {
    const err = (() => {
      try {
        validateTopicName(name);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InvalidTopicError);
    expect((err as InvalidTopicError).code).toBe('INVALID_TOPIC_EXCEPTION');
    expect((err as Error).message).toContain(reason);
  });
});
