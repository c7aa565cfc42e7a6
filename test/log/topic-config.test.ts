import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { NEVER, TOPIC_CONFIG_KEYS, topicConfigSchema } from '../../src/log/index.js';
import { resolveTopicConfig } from '../../src/log/topic-config.js';

describe('log › topic config', () => {
  it("has Kafka's defaults", () => {
    const config = resolveTopicConfig('t', {}, {});
    expect(config).toEqual({
      'segment.bytes': 1073741824,
      'segment.ms': 604800000,
      'segment.index.bytes': 10485760,
      'index.interval.bytes': 4096,
      'retention.ms': 604800000,
      'retention.bytes': -1,
      'cleanup.policy': 'delete',
      'delete.retention.ms': 86400000,
      'min.cleanable.dirty.ratio': 0.5,
      'max.message.bytes': 1048588,
      'message.timestamp.type': 'CreateTime',
      'compression.type': 'producer',
      'flush.messages': NEVER,
      'flush.ms': NEVER,
    });
  });

  it('documents every key, in the schema and in docs/log.md', () => {
    const doc = fs.readFileSync(new URL('../../docs/log.md', import.meta.url), 'utf8');
    for (const key of TOPIC_CONFIG_KEYS) {
      expect(topicConfigSchema.shape[key].description, key).toMatch(/\w+/);
      expect(doc, key).toContain(`| \`${key}\``);
    }
  });

  it('layers overrides over log defaults over Kafka defaults', () => {
    const config = resolveTopicConfig(
      't',
      { 'retention.ms': 1000, 'segment.bytes': 2048 },
      { 'segment.bytes': 4096 },
    );
    expect(config['retention.ms']).toBe(1000);
    expect(config['segment.bytes']).toBe(4096);
  });

  it("reads Kafka's Long.MAX_VALUE as never", () => {
    expect(resolveTopicConfig('t', {}, { 'flush.ms': 2 ** 63 })['flush.ms']).toBe(NEVER);
  });

  it('suggests the nearest key for a typo, naming the topic', () => {
    expect(() => resolveTopicConfig('orders', {}, { 'retention.msec': 5 } as never)).toThrowError(
      /topic "orders": .*unknown key "retention.msec"; did you mean "retention.ms"\?/,
    );
  });

  it('refuses bad values with the key in the message', () => {
    expect(() => resolveTopicConfig('t', {}, { 'cleanup.policy': 'shred' } as never)).toThrowError(
      ConfigError,
    );
    expect(() => resolveTopicConfig('t', {}, { 'segment.bytes': 1.5 })).toThrowError(
      /segment\.bytes: must be an integer/,
    );
    expect(() => resolveTopicConfig('t', {}, { 'retention.ms': -2 })).toThrowError(
      /retention\.ms: must be at least -1/,
    );
  });
});
