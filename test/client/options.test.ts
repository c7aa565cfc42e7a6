import { describe, expect, it } from 'vitest';
import { consumerOptions, producerOptions, serdes } from '../../src/client/index.js';
import { ConfigError } from '../../src/errors.js';

const defaults = { keySerde: serdes.bytes, valueSerde: serdes.bytes };

describe('client › options', () => {
  it('fills Kafka defaults for a producer', () => {
    const o = producerOptions(undefined, defaults);
    expect(o['linger.ms']).toBe(5);
    expect(o['batch.size']).toBe(16_384);
    expect(o.acks).toBe(1);
    expect(o.valueSerde).toBe(serdes.bytes);
  });

  it('rejects an unknown producer key and suggests the nearest', () => {
    expect(() => producerOptions({ 'linger.mss': 3 } as never, defaults)).toThrow(ConfigError);
    expect(() => producerOptions({ 'linger.mss': 3 } as never, defaults)).toThrow(/did you mean "linger.ms"/);
  });

  it('fills consumer defaults and keeps a given serde', () => {
    const json = serdes.json<{ a: number }>();
    const o = consumerOptions({ groupId: 'g', valueSerde: json }, defaults);
    expect(o['auto.offset.reset']).toBe('latest');
    expect(o['partition.assignment.strategy']).toEqual(['range']);
    expect(o.valueSerde).toBe(json);
    expect(o.groupId).toBe('g');
  });

  it('refuses a heartbeat as long as the session', () => {
    expect(() =>
      consumerOptions({ 'session.timeout.ms': 1000, 'heartbeat.interval.ms': 1000 }, defaults),
    ).toThrow(/heartbeat.interval.ms must be lower than session.timeout.ms/);
  });

  it('refuses an unknown auto.offset.reset', () => {
    expect(() => consumerOptions({ 'auto.offset.reset': 'smallest' } as never, defaults)).toThrow(
      ConfigError,
    );
  });
});
