import type { PartitionInfo } from '../client/index.js';
import { BadInputError, OffsetOutOfRangeError, UnknownPartitionError } from '../errors.js';

/**
 * Which records of a topic a replay reads, as `sluice diff --from` takes it:
 *
 *   orders-raw@-1000     the last 1000 offsets of each partition (kcat's `-o -1000`)
 *   orders-raw@250       from offset 250 to the end, in each partition
 *   orders-raw:2@-1000   the last 1000 offsets of partition 2 only (also `:2@250`)
 */
export interface ReplayFrom {
  topic: string;
  /** One partition; every partition of the topic when absent. */
  partition?: number;
  /** `last`: the last `count` offsets of each partition; `offset`: from `offset` to the end. */
  start: { kind: 'last'; count: number } | { kind: 'offset'; offset: number };
}

/** The offsets of one partition a replay reads: `from` (inclusive) to `to` (exclusive). */
export interface PartitionRange {
  partition: number;
  from: number;
  to: number;
}

const EXAMPLE =
  'expected topic@-N (the last N records), topic@offset or topic:partition@-N, e.g. orders-raw@-1000';

/** Parses a `--from` spec; a malformed one fails naming what is wrong with it. */
export function parseReplayFrom(spec: string): ReplayFrom {
  const at = spec.lastIndexOf('@');
  if (at < 0) throw new BadInputError(`--from ${JSON.stringify(spec)}: no @; ${EXAMPLE}`);
  const where = spec.slice(0, at);
  const start = spec.slice(at + 1);
  const colon = where.lastIndexOf(':');
  const topic = colon < 0 ? where : where.slice(0, colon);
  const partitionText = colon < 0 ? undefined : where.slice(colon + 1);
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(topic)) {
    throw new BadInputError(
      `--from ${JSON.stringify(spec)}: ${topic === '' ? 'no topic before @' : `${JSON.stringify(topic)} is not a topic name`}; ${EXAMPLE}`,
    );
  }
  let partition: number | undefined;
  if (partitionText !== undefined) {
    if (!/^\d+$/.test(partitionText)) {
      throw new BadInputError(
        `--from ${JSON.stringify(spec)}: partition ${JSON.stringify(partitionText)} is not a number; ${EXAMPLE}`,
      );
    }
    partition = Number(partitionText);
  }
  const base = { topic, ...(partition !== undefined ? { partition } : {}) };
  if (/^-\d+$/.test(start) && Number(start) < 0) {
    return { ...base, start: { kind: 'last', count: -Number(start) } };
  }
  if (/^\d+$/.test(start)) return { ...base, start: { kind: 'offset', offset: Number(start) } };
  throw new BadInputError(
    `--from ${JSON.stringify(spec)}: ${start === '' ? 'nothing after @' : `${JSON.stringify(start)} is neither -N nor an offset`}${start === '-0' ? ' (ask for at least 1 record)' : ''}; ${EXAMPLE}`,
  );
}

/**
 * The offsets to read in each partition of `partitions` (the topic's offsets as they are now). The last N offsets
 * start no earlier than the log start; an offset outside a partition's offsets fails with the range it has.
 */
export function replayRanges(from: ReplayFrom, partitions: readonly PartitionInfo[]): PartitionRange[] {
  if (from.partition !== undefined && from.partition >= partitions.length) {
    throw new UnknownPartitionError(from.topic, from.partition, partitions.length);
  }
  const chosen =
    from.partition === undefined ? partitions : partitions.filter((p) => p.partition === from.partition);
  return chosen.map((p) => {
    if (from.start.kind === 'last') {
      return {
        partition: p.partition,
        from: Math.max(p.logStartOffset, p.highWatermark - from.start.count),
        to: p.highWatermark,
      };
    }
    const offset = from.start.offset;
    if (offset < p.logStartOffset || offset > p.highWatermark) {
      throw new OffsetOutOfRangeError(from.topic, p.partition, offset, p.logStartOffset, p.highWatermark);
    }
    return { partition: p.partition, from: offset, to: p.highWatermark };
  });
}
