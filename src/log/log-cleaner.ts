import fs from 'node:fs';
import type { Logger } from 'pino';
import { Attribute, BatchField, readInt64 } from './codec/batch-layout.js';
import { decodeBatchRecords, encodeRecordBatch } from './codec/record-batch.js';
import { fsyncDir } from './fs-util.js';
import { Segment } from './segment.js';
import { segmentPath } from './segment-files.js';
import type { SegmentList } from './segment-list.js';
import type { LogRecord, TopicConfig } from './types.js';

/** Relative offsets are int32: a cleaned segment may not span more offsets than this. */
const MAX_SEGMENT_OFFSETS = 0x7fff_ffff;

/** What the cleaner needs of a partition. */
export interface Cleanable {
  readonly topic: string;
  readonly partition: number;
  readonly dir: string;
  readonly segments: SegmentList;
  closed(): boolean;
  config(): TopicConfig;
  now(): number;
  readonly logger: Logger;
  /** Segments at or past it hold records of open transactions and are not cleaned. */
  lastStableOffset(): number;
  /** True for a transactional batch of an aborted transaction: it is dropped, and hides no older record. */
  isAborted(producerId: number, offset: number): boolean;
}

/** What one cleaning did. */
export interface CleanResult {
  segmentsBefore: number;
  segmentsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  recordsRemoved: number;
  /** Offsets below this are clean: the base offset of the active segment when cleaning began. */
  cleanedUpTo: number;
}

/**
 * Compacts a partition as Kafka's log cleaner does, keeping the newest record of every key:
 *
 * 1. Over every segment but the active one, map each key to its newest offset.
 * 2. Copy those segments, in groups that fit `segment.bytes`, into one `.cleaned` file per group, keeping a record
 *    only if it is its key's newest (records without a key are always kept). A tombstone (null value) that is its
 *    key's newest is kept too, until the newest record of its segment is `delete.retention.ms` old: consumers
 *    have that long to see the deletion. Offsets never change; a batch left whole is copied byte for byte, one
 *    that lost records is re-encoded as batches of consecutive survivors.
 * 3. Swap each group in crash-safely: fsync the `.cleaned` file, rename it to `.swap` (from then on, reopening
 *    completes the swap), delete the old segments, rename `.swap` to `.log`.
 *
 * The active segment is never touched, so appends go on meanwhile; readers of old segments finish on their open
 * descriptors. A group whose segments retention removed meanwhile is dropped.
 */
export async function cleanPartition(target: Cleanable): Promise<CleanResult | null> {
  const all = target.segments.all;
  const stable = target.lastStableOffset();
  let end = all.length - 1;
  while (end > 0 && all[end - 1]!.nextOffset > stable) end--;
  const candidates = all.slice(0, end);
  if (candidates.length === 0) return null;
  const config = target.config();
  const latest = await newestOffsets(candidates, target);
  const horizon = target.now() - config['delete.retention.ms'];
  const result: CleanResult = {
    segmentsBefore: candidates.length,
    segmentsAfter: 0,
    bytesBefore: 0,
    bytesAfter: 0,
    recordsRemoved: 0,
    cleanedUpTo: all[end]!.baseOffset,
  };
  for (const group of groupSegments(candidates, config['segment.bytes'])) {
    if (target.closed()) break;
    await cleanGroup(target, group, latest, horizon, config, result);
  }
  target.logger.info({ topic: target.topic, partition: target.partition, ...result }, 'compacted partition');
  return result;
}

/** The newest offset of each key in `segments`, keys compared byte for byte. */
async function newestOffsets(segments: readonly Segment[], target: Cleanable): Promise<Map<string, number>> {
  const latest = new Map<string, number>();
  const records: LogRecord[] = [];
  for (const segment of segments) {
    await segment.scan((buf, at) => {
      if (buf.readInt16BE(at + BatchField.Attributes) & Attribute.Control) return;
      if (abortedBatch(buf, at, target)) return;
      records.length = 0;
      decodeBatchRecords(buf, at, records, 0);
      for (const r of records) if (r.key !== null) latest.set(r.key.toString('latin1'), r.offset);
    });
  }
  return latest;
}

/** True for a transactional batch whose transaction was aborted: no reader that honours transactions sees it. */
function abortedBatch(buf: Buffer, at: number, target: Cleanable): boolean {
  return (
    (buf.readInt16BE(at + BatchField.Attributes) & Attribute.Transactional) !== 0 &&
    target.isAborted(readInt64(buf, at + BatchField.ProducerId), readInt64(buf, at + BatchField.BaseOffset))
  );
}

/** Consecutive segments whose total size fits `maxBytes` (at least one each), and whose offsets fit an index. */
function groupSegments(segments: readonly Segment[], maxBytes: number): Segment[][] {
  const groups: Segment[][] = [];
  let group: Segment[] = [];
  let bytes = 0;
  for (const segment of segments) {
    const first = group[0];
    const fits =
      first !== undefined &&
      bytes + segment.size <= maxBytes &&
      segment.nextOffset - first.baseOffset <= MAX_SEGMENT_OFFSETS;
    if (!fits && group.length > 0) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(segment);
    bytes += segment.size;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

async function cleanGroup(
  target: Cleanable,
  group: readonly Segment[],
  latest: Map<string, number>,
  horizon: number,
  config: TopicConfig,
  result: CleanResult,
): Promise<void> {
  const base = group[0]!.baseOffset;
  const finalPath = segmentPath(target.dir, base, '.log');
  const cleanedPath = `${finalPath}.cleaned`;
  const out = Segment.createAt(target.dir, base, cleanedPath);
  const interval = config['index.interval.bytes'];
  const records: LogRecord[] = [];
  for (const segment of group) {
    const dropTombstones = segment.maxTimestamp < horizon;
    const keep = (r: LogRecord) =>
      r.key === null ||
      (latest.get(r.key.toString('latin1')) === r.offset && !(r.value === null && dropTombstones));
    await segment.scan((buf, at, size) => {
      if (buf.readInt16BE(at + BatchField.Attributes) & Attribute.Control) {
        out.append(buf.subarray(at, at + size), interval);
        return;
      }
      records.length = 0;
      decodeBatchRecords(buf, at, records, 0);
      if (abortedBatch(buf, at, target)) {
        result.recordsRemoved += records.length;
        return;
      }
      const kept = records.filter(keep);
      result.recordsRemoved += records.length - kept.length;
      if (kept.length === records.length) out.append(buf.subarray(at, at + size), interval);
      else for (const batch of reencode(buf, at, kept)) out.append(batch, interval);
    });
    result.bytesBefore += segment.size;
  }
  await out.syncLog();
  // Everything from here to the swap is synchronous: no retention or reader can interleave with it.
  if (target.closed() || !group.every((s) => target.segments.all.includes(s))) {
    out.close();
    fs.rmSync(cleanedPath, { force: true });
    return;
  }
  const swapPath = `${finalPath}.swap`;
  fs.renameSync(cleanedPath, swapPath);
  for (const segment of group) segment.delete();
  fs.renameSync(swapPath, finalPath);
  out.moveIntoPlace();
  out.deactivate();
  target.segments.replace(group, out);
  result.segmentsAfter++;
  result.bytesAfter += out.size;
  await out.persistIndexes(true);
  out.indexesSynced = true;
  await fsyncDir(target.dir);
}

/**
 * The surviving records of the batch at `at`, as batches of consecutive offsets (the codec numbers records from
 * a batch's base offset, so a gap starts a new batch). Producer fields and the timestamp type carry over.
 */
function reencode(buf: Buffer, at: number, kept: readonly LogRecord[]): Buffer[] {
  const batchBase = readInt64(buf, at + BatchField.BaseOffset);
  const attributes = buf.readInt16BE(at + BatchField.Attributes);
  const logAppendTime = (attributes & Attribute.LogAppendTime) !== 0;
  const baseSequence = buf.readInt32BE(at + BatchField.BaseSequence);
  const out: Buffer[] = [];
  for (let i = 0; i < kept.length; ) {
    let j = i + 1;
    while (j < kept.length && kept[j]!.offset === kept[j - 1]!.offset + 1) j++;
    const run = kept.slice(i, j);
    const first = run[0]!.offset;
    out.push(
      encodeRecordBatch(
        run.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp })),
        {
          baseOffset: first,
          now: logAppendTime ? readInt64(buf, at + BatchField.MaxTimestamp) : undefined,
          producerId: readInt64(buf, at + BatchField.ProducerId),
          producerEpoch: buf.readInt16BE(at + BatchField.ProducerEpoch),
          baseSequence: baseSequence < 0 ? -1 : baseSequence + (first - batchBase),
          transactional: (attributes & Attribute.Transactional) !== 0,
          logAppendTime,
        },
      ),
    );
    i = j;
  }
  return out;
}
