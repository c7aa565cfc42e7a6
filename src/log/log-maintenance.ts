import type { TopicState } from './topic-state.js';

/** Applies retention (by time and size) to every partition; returns how many segments went. */
export function applyRetention(topics: Iterable<TopicState>): number {
  let deleted = 0;
  for (const topic of topics) for (const p of topic.partitions) deleted += p.applyRetention();
  return deleted;
}

/**
 * Compacts every partition of a `cleanup.policy=compact` topic whose dirty ratio reached
 * `min.cleanable.dirty.ratio`; returns how many were compacted.
 */
export async function compactDirty(topics: Iterable<TopicState>): Promise<number> {
  let cleaned = 0;
  for (const topic of topics) {
    if (!topic.config['cleanup.policy'].includes('compact')) continue;
    for (const p of topic.partitions) {
      const { ratio, dirtyBytes } = p.dirtiness();
      if (dirtyBytes === 0 || ratio < topic.config['min.cleanable.dirty.ratio'] || p.closed) continue;
      if (await p.compact()) cleaned++;
    }
  }
  return cleaned;
}
