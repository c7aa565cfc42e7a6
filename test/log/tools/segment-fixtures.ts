import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeRecordBatch, readBatchHeader, stampBaseOffset } from '../../../src/log/codec/record-batch.js';
import type { AppendRecord } from '../../../src/log/types.js';

export interface BuiltSegment {
  log: Buffer;
  index: Buffer;
  timeindex: Buffer;
  /** File position of each batch. */
  positions: number[];
  lastOffset: number;
}

/**
 * Builds one segment's files by hand, as Kafka lays them out: batches stamped from `baseOffset`, an `.index` entry
 * (relative base offset, position) per batch, and a `.timeindex` entry (max timestamp so far, relative last offset
 * of that batch) whenever a batch raises the max timestamp.
 */
export function buildSegment(baseOffset: number, batches: AppendRecord[][]): BuiltSegment {
  const parts: Buffer[] = [];
  const index: Buffer[] = [];
  const timeindex: Buffer[] = [];
  const positions: number[] = [];
  let offset = baseOffset;
  let position = 0;
  let maxTimestamp = Number.NEGATIVE_INFINITY;
  for (const records of batches) {
    const batch = encodeRecordBatch(records, { now: 1_700_000_000_000 });
    stampBaseOffset(batch, 0, offset);
    const header = readBatchHeader(batch, 0);
    const entry = Buffer.alloc(8);
    entry.writeInt32BE(offset - baseOffset, 0);
    entry.writeInt32BE(position, 4);
    index.push(entry);
    if (header.maxTimestamp > maxTimestamp) {
      maxTimestamp = header.maxTimestamp;
      const timeEntry = Buffer.alloc(12);
      timeEntry.writeBigInt64BE(BigInt(maxTimestamp), 0);
      timeEntry.writeInt32BE(offset + header.lastOffsetDelta - baseOffset, 8);
      timeindex.push(timeEntry);
    }
    positions.push(position);
    parts.push(batch);
    position += batch.length;
    offset += records.length;
  }
  return {
    log: Buffer.concat(parts),
    index: Buffer.concat(index),
    timeindex: Buffer.concat(timeindex),
    positions,
    lastOffset: offset - 1,
  };
}

export function recordsOf(count: number, prefix: string, timestamp = 1_700_000_000_000): AppendRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    key: Buffer.from(`${prefix}-key-${i}`),
    value: Buffer.from(`${prefix}-value-${i}`),
    timestamp: timestamp + i,
  }));
}

/** Writes a segment's three files into `dir` (created), named by base offset. */
export async function writeSegment(dir: string, baseOffset: number, segment: BuiltSegment): Promise<string> {
  await mkdir(dir, { recursive: true });
  const name = String(baseOffset).padStart(20, '0');
  await writeFile(join(dir, `${name}.log`), segment.log);
  await writeFile(join(dir, `${name}.index`), segment.index);
  await writeFile(join(dir, `${name}.timeindex`), segment.timeindex);
  return join(dir, name);
}
