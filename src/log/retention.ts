import type { TopicConfig } from './types.js';

/** What retention needs to know of a segment. */
export interface RetainedSegment {
  readonly baseOffset: number;
  readonly size: number;
  readonly maxTimestamp: number;
}

/**
 * How many of the oldest `segments` retention removes: those wholly below the log start offset (deleteRecords),
 * and with `cleanup.policy` including `delete`, those whose newest record is older than `retention.ms`, then the
 * oldest while the rest stays at or above `retention.bytes`. Whole segments only, oldest first, never the last
 * (active) one, as Kafka does.
 */
export function segmentsToDelete(
  segments: readonly RetainedSegment[],
  config: TopicConfig,
  logStartOffset: number,
  now: number,
): number {
  const last = segments.length - 1;
  let n = 0;
  while (n < last && segments[n + 1]!.baseOffset <= logStartOffset) n++;
  if (!config['cleanup.policy'].includes('delete')) return n;
  const retentionMs = config['retention.ms'];
  if (retentionMs >= 0) {
    while (n < last && now - segments[n]!.maxTimestamp > retentionMs) n++;
  }
  const retentionBytes = config['retention.bytes'];
  if (retentionBytes >= 0) {
    let excess = -retentionBytes;
    for (let i = n; i < segments.length; i++) excess += segments[i]!.size;
    while (n < last && excess - segments[n]!.size >= 0) excess -= segments[n++]!.size;
  }
  return n;
}
