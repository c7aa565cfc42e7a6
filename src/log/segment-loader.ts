import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { CorruptRecordError } from '../errors.js';
import { scanBatchesSync } from './batch-scanner.js';
import { BatchField, readInt64 } from './codec/batch-layout.js';
import { verifyBatch } from './codec/record-batch.js';
import { findResumePointSync } from './damaged-batch.js';
import { descriptors } from './descriptor-cache.js';
import { readAtSync } from './fs-util.js';
import { OffsetIndex } from './offset-index.js';
import { lastOffsetAt, Segment } from './segment.js';
import { segmentBaseOffsets, segmentPath } from './segment-files.js';
import { TimeIndex } from './time-index.js';

export interface LoadOptions {
  /** `index.interval.bytes` of the topic. */
  interval: number;
  /**
   * True for segments after the recovery point of an unclean shutdown: every batch's framing, magic, CRC and
   * offsets are checked and the indexes rebuilt. False trusts the batches and only completes the indexes.
   */
  verify: boolean;
  /** True for the partition's last segment, the only one whose trusted tail may be cut (appends go there). */
  last: boolean;
  logger: Logger;
}

/**
 * A loaded segment, how many bytes of a torn or corrupt tail were cut from its `.log`, and whether its indexes
 * were rebuilt and written again.
 */
export interface LoadedSegment {
  segment: Segment;
  truncatedBytes: number;
  rebuiltIndexes: boolean;
}

/**
 * Opens the segment at `baseOffset` in `dir`. When verifying (after an unclean stop), its valid batches end at the
 * first bytes that are not a batch (a torn write, a zero-filled tail, a bad CRC, an offset going backwards); anything
 * after that is cut, with a warning naming the file and the bytes removed. A trusted segment (flushed before the
 * stop) is never cut but the last one: damage met in it is logged with its position and stepped over to the next
 * sound batch, so that what follows stays readable; reads of the damaged batch fail, and `sluice log repair` fixes
 * it. Missing or damaged indexes are rebuilt from the `.log` and written back to disk.
 */
export function loadSegment(dir: string, baseOffset: number, options: LoadOptions): LoadedSegment {
  const logFile = segmentPath(dir, baseOffset, '.log');
  const file = descriptors.file(logFile, 'r+');
  const fd = file.descriptor();
  const fileSize = fs.fstatSync(fd).size;
  const indexFile = segmentPath(dir, baseOffset, '.index');
  const timeFile = segmentPath(dir, baseOffset, '.timeindex');
  let index = options.verify ? null : OffsetIndex.load(indexFile, baseOffset, fileSize);
  let timeIndex = options.verify ? null : TimeIndex.load(timeFile, baseOffset);
  const rebuild = !index || !timeIndex;
  if (rebuild && !options.verify)
    options.logger.info({ file: indexFile }, 'rebuilding missing or damaged indexes');
  if (rebuild) {
    index = OffsetIndex.create(indexFile, baseOffset);
    timeIndex = TimeIndex.create(timeFile, baseOffset);
    index.reset();
    timeIndex.reset();
  }
  const segment = new Segment(dir, baseOffset, file, index!, timeIndex!);
  let start = 0;
  if (!rebuild) {
    const last = index!.last();
    start = last.position;
    segment.maxTimestamp = timeIndex!.lastTimestamp();
    segment.offsetOfMaxTimestamp = timeIndex!.lastOffset();
    if (start > 0) segment.nextOffset = last.offset + 1;
    const first = readAtSync(fd, 0, 43);
    if (first.length === 43) segment.firstTimestamp = readInt64(first, BatchField.MaxTimestamp);
  }
  segment.restartTracking();
  let end = scan(segment, start, fileSize, options, logFile);
  while (!options.verify && end < fileSize) {
    const resume = findResumePointSync(fd, end, fileSize, segment.nextOffset - 1, Number.MAX_SAFE_INTEGER);
    if (resume.position >= fileSize) break;
    options.logger.error(
      { file: logFile, position: end, resumesAt: resume.position, nextSoundOffset: resume.offset },
      `damage in ${logFile} at position ${end}: bytes up to position ${resume.position} are not a sound batch; reads of offsets ${segment.nextOffset} to ${resume.offset - 1} fail until \`sluice log repair\` fixes the segment`,
    );
    end = scan(segment, resume.position, fileSize, options, logFile);
  }
  if (!rebuild && timeIndex!.lastOffset() >= segment.nextOffset) {
    // The time index points past the log: it is damaged after all. Redo with fresh indexes.
    file.close();
    fs.rmSync(timeFile, { force: true });
    return loadSegment(dir, baseOffset, options);
  }
  segment.size = end;
  segment.flushedSize = end;
  const truncatedBytes = fileSize - end;
  if (truncatedBytes > 0 && (options.verify || options.last)) {
    segment.truncateTo(end);
    options.logger.warn(
      { file: logFile, position: end, truncatedBytes },
      `truncated ${truncatedBytes} bytes of a torn or corrupt tail from ${logFile} at position ${end}`,
    );
  } else if (truncatedBytes > 0) {
    options.logger.error(
      { file: logFile, position: end, bytes: truncatedBytes },
      `damage in ${logFile} at position ${end}: the last ${truncatedBytes} bytes are not a sound batch and are left for \`sluice log repair\``,
    );
  }
  if (rebuild) {
    // A segment before the last one took no appends since it was rolled: its time index gets the final entry a
    // roll gives it (Segment.deactivate), so the rebuilt file is the one that was lost.
    if (!options.last) segment.deactivate();
    // Written back now (and fsynced with the next commit), so that damaged or missing files are fixed on disk too.
    segment.index.write();
    segment.timeIndex.write();
    segment.indexesSynced = false;
  }
  return {
    segment,
    truncatedBytes: options.verify || options.last ? truncatedBytes : 0,
    rebuiltIndexes: rebuild,
  };
}

/** Walks batches from `start`, tracking them into the segment; returns where the valid batches end. */
function scan(segment: Segment, start: number, fileSize: number, options: LoadOptions, file: string): number {
  const batches = scanBatchesSync(segment.descriptor, start, fileSize);
  let end = start;
  for (let step = batches.next(); !step.done; step = batches.next()) {
    const { buf, at, position, size } = step.value;
    const lastOffset = lastOffsetAt(buf, at);
    const baseOffset = readInt64(buf, at + BatchField.BaseOffset);
    if (options.verify) {
      try {
        verifyBatch(buf, at, file);
      } catch (err) {
        if (!(err instanceof CorruptRecordError)) throw err;
        options.logger.warn({ file, position, reason: err.message }, 'invalid batch; the log ends before it');
        break;
      }
      if (baseOffset < segment.nextOffset || lastOffset < baseOffset) {
        options.logger.warn(
          { file, position, baseOffset },
          'batch offsets go backwards; the log ends before it',
        );
        break;
      }
    }
    segment.track(lastOffset, readInt64(buf, at + BatchField.MaxTimestamp), position, size, options.interval);
    end = position + size;
  }
  return end;
}

/** Offsets between two segments that no segment holds. */
export interface OffsetGap {
  from: number;
  to: number;
}

/** Files a crash can leave behind mid-write: removed when a partition opens. */
const LEFTOVER = /\.(tmp|cleaned|deleted)$/;
/** A compacted segment that was about to replace older ones (see log-cleaner.ts). */
const SWAP = /^(\d{20})\.log\.swap$/;

/**
 * Finishes a compaction swap a crash interrupted: the `.swap` file is complete (it was fsynced before being
 * renamed to `.swap`), so the segments whose offsets it covers go and it takes the place of the first.
 */
function completeSwap(dir: string, name: string, logger: Logger): void {
  const swapFile = path.join(dir, name);
  const base = Number(SWAP.exec(name)![1]);
  const fd = fs.openSync(swapFile, 'r');
  let last = base;
  try {
    const batches = scanBatchesSync(fd, 0, fs.fstatSync(fd).size);
    for (let step = batches.next(); !step.done; step = batches.next())
      last = lastOffsetAt(step.value.buf, step.value.at);
  } finally {
    fs.closeSync(fd);
  }
  for (const old of segmentBaseOffsets(fs.readdirSync(dir))) {
    if (old < base || old > last) continue;
    for (const ext of ['.log', '.index', '.timeindex', '.txnindex'] as const)
      fs.rmSync(segmentPath(dir, old, ext), { force: true });
  }
  fs.rmSync(segmentPath(dir, base, '.index'), { force: true });
  fs.rmSync(segmentPath(dir, base, '.timeindex'), { force: true });
  fs.renameSync(swapFile, segmentPath(dir, base, '.log'));
  logger.warn({ file: swapFile }, 'completed a compaction swap interrupted by a crash');
}

/**
 * Loads every segment of a partition directory (creating it, with one empty segment at `logStartOffset`, when
 * new). After an unclean stop, each segment that may hold offsets at or past the recovery point is verified; the
 * first invalid byte ends the log, and every later segment is deleted. `verified` segments are left marked
 * unflushed, so that the caller fsyncs what recovery kept before trusting it.
 */
export function loadPartitionDir(
  dir: string,
  options: {
    interval: number;
    recoveryPoint: number;
    logStartOffset: number;
    clean: boolean;
    /** Offsets must run on from segment to segment (not a compacted topic): a hole is reported. */
    contiguous: boolean;
    logger: Logger;
  },
): { segments: Segment[]; verified: boolean; created: boolean; repaired: boolean; gaps: OffsetGap[] } {
  fs.mkdirSync(dir, { recursive: true });
  for (const name of fs.readdirSync(dir)) {
    if (LEFTOVER.test(name)) fs.rmSync(path.join(dir, name), { force: true });
    else if (SWAP.test(name)) completeSwap(dir, name, options.logger);
  }
  const names = fs.readdirSync(dir);
  const bases = segmentBaseOffsets(names);
  const segments: Segment[] = [];
  let verified = false;
  let repaired = false;
  const gaps: OffsetGap[] = [];
  for (let i = 0; i < bases.length; i++) {
    const verify = !options.clean && (i === bases.length - 1 || bases[i + 1]! > options.recoveryPoint);
    const loaded = loadSegment(dir, bases[i]!, {
      interval: options.interval,
      verify,
      last: i === bases.length - 1,
      logger: options.logger,
    });
    if (loaded.rebuiltIndexes) repaired = true;
    if (verify) {
      verified = true;
      loaded.segment.flushedSize = 0;
    }
    const previous = segments[segments.length - 1];
    if (options.contiguous && previous && previous.nextOffset < loaded.segment.baseOffset) {
      const gap = { from: previous.nextOffset, to: loaded.segment.baseOffset - 1 };
      gaps.push(gap);
      options.logger.error(
        { dir, ...gap, after: previous.logFile, before: loaded.segment.logFile },
        `offsets ${gap.from} to ${gap.to} are missing from ${dir}: no segment holds them (a segment file was deleted?); reads of them fail`,
      );
    }
    segments.push(loaded.segment);
    if (loaded.truncatedBytes > 0 && i < bases.length - 1) {
      const later = bases.slice(i + 1);
      options.logger.warn({ dir, segments: later.length }, 'deleting segments after a corrupt tail');
      for (const base of later) {
        for (const ext of ['.log', '.index', '.timeindex', '.txnindex'] as const) {
          fs.rmSync(segmentPath(dir, base, ext), { force: true });
        }
      }
      break;
    }
  }
  const created = segments.length === 0;
  if (created) segments.push(Segment.create(dir, options.logStartOffset));
  return { segments, verified, created, repaired, gaps };
}
