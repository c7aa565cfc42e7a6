import { describe, expect, it } from 'vitest';
import { TransformChain } from '../../../src/connect/transforms/transform-chain.js';
import { ConfigError } from '../../../src/errors.js';
import { sinkRecord } from './helpers.js';

describe('connect › transforms › chain', () => {
  it("builds a chain from Kafka's keys and class names, in order", () => {
    const chain = TransformChain.fromConfig(
      {
        transforms: 'wrap,route',
        'transforms.wrap.type': 'org.apache.kafka.connect.transforms.HoistField$Value',
        'transforms.wrap.field': 'line',
        'transforms.route.type': 'RegexRouter',
        'transforms.route.regex': 'orders',
        'transforms.route.replacement': 'lines',
      },
      'connector "c"',
    );
    const out = chain.apply(sinkRecord('hi'));
    expect(out?.value).toEqual({ line: 'hi' });
    expect(out?.topic).toBe('lines');
  });

  it('runs a step only where its predicate matches, or does not with negate', () => {
    const config = {
      transforms: 'dropTombstones',
      'transforms.dropTombstones.type': 'org.apache.kafka.connect.transforms.Filter',
      'transforms.dropTombstones.predicate': 'isTombstone',
      predicates: 'isTombstone',
      'predicates.isTombstone.type': 'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone',
    };
    const chain = TransformChain.fromConfig(config, 'c');
    expect(chain.apply(sinkRecord(null))).toBeNull();
    expect(chain.apply(sinkRecord('v'))?.value).toBe('v');
    const negated = TransformChain.fromConfig({ ...config, 'transforms.dropTombstones.negate': 'true' }, 'c');
    expect(negated.apply(sinkRecord(null))?.value).toBeNull();
    expect(negated.apply(sinkRecord('v'))).toBeNull();
  });

  it('supports TopicNameMatches and HasHeaderKey', () => {
    const chain = TransformChain.fromConfig(
      {
        transforms: 'a,b',
        'transforms.a.type': 'InsertHeader',
        'transforms.a.header': 'seen',
        'transforms.a.value.literal': 'yes',
        'transforms.a.predicate': 'isOrders',
        'transforms.b.type': 'Filter',
        'transforms.b.predicate': 'seen',
        predicates: ['isOrders', 'seen'],
        'predicates.isOrders.type': 'TopicNameMatches',
        'predicates.isOrders.pattern': 'ord.*',
        'predicates.seen.type': 'HasHeaderKey',
        'predicates.seen.name': 'seen',
      },
      'c',
    );
    expect(chain.apply(sinkRecord('v'))).toBeNull();
    expect(chain.apply(sinkRecord('v', null, { topic: 'users' }))?.topic).toBe('users');
  });

  it('names the key and suggests the nearest type, option and alias', () => {
    const base = { transforms: 'a', 'transforms.a.type': 'InsertFeld$Value' };
    expect(() => TransformChain.fromConfig(base, 'c')).toThrowError(/did you mean "InsertField\$Value"/);
    expect(() =>
      TransformChain.fromConfig(
        { transforms: 'a', 'transforms.a.type': 'HoistField$Value', 'transforms.a.feild': 'x' },
        'c',
      ),
    ).toThrowError(/did you mean "field"/);
    expect(() =>
      TransformChain.fromConfig({ transforms: 'abc', 'transforms.abd.type': 'Filter' }, 'c'),
    ).toThrowError(/did you mean "abc"/);
    try {
      TransformChain.fromConfig({ transforms: 'a' }, 'c');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).key).toBe('transforms.a.type');
    }
  });

  it('requires $Key or $Value exactly where Kafka has both', () => {
    expect(() =>
      TransformChain.fromConfig({ transforms: 'a', 'transforms.a.type': 'HoistField' }, 'c'),
    ).toThrowError(ConfigError);
    expect(() =>
      TransformChain.fromConfig({ transforms: 'a', 'transforms.a.type': 'Filter$Value' }, 'c'),
    ).toThrowError(ConfigError);
  });

  it('rejects a predicate that is not declared', () => {
    expect(() =>
      TransformChain.fromConfig(
        { transforms: 'a', 'transforms.a.type': 'Filter', 'transforms.a.predicate': 'p' },
        'c',
      ),
    ).toThrowError(/not listed in predicates/);
  });
});
