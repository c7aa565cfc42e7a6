import { describe, expect, it } from 'vitest';
import { segmentsToDelete } from '../../src/log/retention.js';
import { resolveTopicConfig } from '../../src/log/topic-config.js';
import type { TopicConfig } from '../../src/log/types.js';

const config = (c: Partial<TopicConfig>) => resolveTopicConfig('t', {}, c);
/** Segments of 100 bytes at base offsets 0, 10, 20, …, newest records at 1000, 2000, 3000, … */
const segments = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ baseOffset: i * 10, size: 100, maxTimestamp: (i + 1) * 1000 }));

describe('log › retention', () => {
  it('deletes segments whose newest record is older than retention.ms, oldest first', () => {
    expect(segmentsToDelete(segments(5), config({ 'retention.ms': 2500 }), 0, 5000)).toBe(2);
    expect(segmentsToDelete(segments(5), config({ 'retention.ms': -1 }), 0, 1e12)).toBe(0);
  });

  it('stops at the first segment young enough, even if older ones follow', () => {
    const s = segments(4);
    s[1] = { ...s[1]!, maxTimestamp: 9000 };
    expect(segmentsToDelete(s, config({ 'retention.ms': 2500 }), 0, 10_000)).toBe(1);
  });

  it('never deletes the active (last) segment', () => {
    expect(segmentsToDelete(segments(3), config({ 'retention.ms': 0 }), 0, 1e12)).toBe(2);
    expect(segmentsToDelete(segments(1), config({ 'retention.ms': 0 }), 0, 1e12)).toBe(0);
  });

  it('deletes the oldest segments as far as the excess over retention.bytes covers them whole (as Kafka)', () => {
    expect(segmentsToDelete(segments(5), config({ 'retention.bytes': 250 }), 0, 0)).toBe(2); // 300 bytes left
    expect(segmentsToDelete(segments(5), config({ 'retention.bytes': 300 }), 0, 0)).toBe(2);
    expect(segmentsToDelete(segments(5), config({ 'retention.bytes': 0 }), 0, 0)).toBe(4);
  });

  it('deletes segments wholly below the log start offset whatever the policy', () => {
    expect(segmentsToDelete(segments(5), config({ 'cleanup.policy': 'compact' }), 25, 0)).toBe(2);
    expect(segmentsToDelete(segments(5), config({}), 20, 0)).toBe(2);
    expect(segmentsToDelete(segments(5), config({}), 19, 0)).toBe(1);
  });

  it('applies time and size only when cleanup.policy includes delete', () => {
    const compact = config({ 'cleanup.policy': 'compact', 'retention.ms': 0, 'retention.bytes': 0 });
    expect(segmentsToDelete(segments(5), compact, 0, 1e12)).toBe(0);
    const both = config({ 'cleanup.policy': 'compact,delete', 'retention.ms': 0 });
    expect(segmentsToDelete(segments(5), both, 0, 1e12)).toBe(4);
  });
});
