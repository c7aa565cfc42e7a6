import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configIssues, parseConfig, suggest } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';

const schema = z.strictObject({
  'segment.bytes': z.number().int().positive().default(1024),
  'cleanup.policy': z.enum(['delete', 'compact']).default('delete'),
});

describe('config › parseConfig', () => {
  it('fills defaults', () => {
    expect(parseConfig(schema, {}, 'topic "t"')).toEqual({
      'segment.bytes': 1024,
      'cleanup.policy': 'delete',
    });
  });

  it('names an unknown key and suggests the nearest valid one', () => {
    const issues = configIssues(schema, { 'segment.byte': 10 });
    expect(issues).toEqual([
      {
        path: 'segment.byte',
        message: 'unknown key "segment.byte"; did you mean "segment.bytes"?',
        suggestion: 'segment.bytes',
      },
    ]);
    expect(() => parseConfig(schema, { 'segment.byte': 10 }, 'topic "t"')).toThrowError(ConfigError);
  });

  it('reports every problem at once, each with its key', () => {
    try {
      parseConfig(schema, { 'segment.bytes': -1, 'cleanup.policy': 'tidy' }, 'topic "t"');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as ConfigError).message;
      expect(message).toMatch(/^topic "t": segment\.bytes: /);
      expect(message).toContain('cleanup.policy: ');
      expect((err as ConfigError).key).toBe('segment.bytes');
    }
  });

  it('reports a union by the branch the input is meant for, not as "Invalid input"', () => {
    const input = z.record(
      z.string(),
      z.union([z.array(z.strictObject({ value: z.number() })), z.strictObject({ content: z.string() })]),
    );
    expect(configIssues(input, { orders: [{ value: 'x' }], src: { content: 1 } })).toEqual([
      { path: 'orders.0.value', message: 'Invalid input: expected number, received string' },
      { path: 'src.content', message: 'Invalid input: expected string, received number' },
    ]);
  });

  it('suggests only close names', () => {
    expect(suggest('retention.m', ['retention.ms', 'segment.ms'])).toBe('retention.ms');
    expect(suggest('zzzzzz', ['retention.ms'])).toBeUndefined();
  });
});
