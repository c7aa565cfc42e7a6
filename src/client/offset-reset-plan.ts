import { ConfigError } from '../errors.js';
import type { OffsetResetPlanEntry, OffsetResetTarget } from './admin.js';
import type { TopicPartition } from './records.js';

/** Where a partition of a group stands before a reset. */
export interface ResetPosition extends TopicPartition {
  /** The committed offset, -1 when none. */
  current: number;
  logStartOffset: number;
  endOffset: number;
}

/**
 * The target of every partition for a reset, clamped to [logStartOffset, endOffset] as Kafka's
 * `kafka-consumer-groups --reset-offsets` does. A shift from a partition without a committed offset starts at
 * the log start. `offsetForTime` answers the timestamp target (the end offset when no record is that new).
 */
export async function planOffsetReset(
  positions: ResetPosition[],
  target: OffsetResetTarget,
  offsetForTime: (topic: string, partition: number, timestamp: number) => Promise<number>,
): Promise<OffsetResetPlanEntry[]> {
  validate(target);
  const plan: OffsetResetPlanEntry[] = [];
  for (const p of positions) {
    let wanted: number;
    switch (target.to) {
      case 'earliest':
        wanted = p.logStartOffset;
        break;
      case 'latest':
        wanted = p.endOffset;
        break;
      case 'offset':
        wanted = target.offset;
        break;
      case 'shift':
        wanted = (p.current >= 0 ? p.current : p.logStartOffset) + target.by;
        break;
      case 'timestamp':
        wanted = await offsetForTime(p.topic, p.partition, target.timestamp);
        break;
    }
    const clamped = Math.min(p.endOffset, Math.max(p.logStartOffset, wanted));
    plan.push({ topic: p.topic, partition: p.partition, current: p.current, target: clamped });
  }
  return plan.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
}

function validate(target: OffsetResetTarget): void {
  const bad = (what: string) => new ConfigError(`offset reset: ${what}`, { key: 'target' });
  if (target.to === 'offset' && (!Number.isSafeInteger(target.offset) || target.offset < 0)) {
    throw bad(`offset must be an integer from 0, got ${target.offset}`);
  }
  if (target.to === 'shift' && !Number.isSafeInteger(target.by))
    throw bad(`shift must be an integer, got ${target.by}`);
  if (target.to === 'timestamp' && !Number.isFinite(target.timestamp)) {
    throw bad(`timestamp must be milliseconds since the epoch, got ${target.timestamp}`);
  }
}
