/**
 * What `sluice log verify` checks, over a log directory laid out as Kafka does
 * (`<dir>/<topic>-<partition>/<20-digit base offset>.log|.index|.timeindex`):
 *
 * - every batch: length, magic, CRC-32C, and records that parse;
 * - offsets increasing and contiguous across batches and segments, each segment's batches at or after its base;
 * - each `.index` entry: offsets and positions increasing, pointing at the start of a batch that holds its offset;
 * - each `.timeindex` entry: timestamps non-decreasing, offsets within the segment.
 *
 * Damage is collected, never repaired; the caller decides (the CLI exits 1). A directory holding segment files
 * directly is checked as one partition.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { BadInputError, CorruptRecordError } from '../../errors.js';
import { type CheckpointEntries, readCheckpoint } from '../checkpoint-file.js';
import { readBatchHeader } from '../codec/batch-header.js';
import { decodeBatchRecords } from '../codec/record-decoder.js';
import { parseTopicFile } from '../topic-store.js';
import type { LogRecord } from '../types.js';
import { readOffsetIndex, readTimeIndex } from './index-entries.js';
import { parsePartitionDirName, parseSegmentFileName, type SegmentFileKind } from './segment-file-name.js';
import { scanSegmentFile } from './segment-scanner.js';

export type DamageKind =
  | 'corrupt-batch' // CRC mismatch or records that do not parse
  | 'torn-tail' // bytes after the last sound batch: a torn write or garbage
  | 'offset-order' // a batch that does not follow the previous one
  | 'offset-gap' // offsets missing between two batches
  | 'index-entry' // an .index entry that points at the wrong place
  | 'time-index-entry' // a .timeindex entry out of order or out of the segment
  | 'torn-index' // an index file whose size is not a whole number of entries
  | 'orphan-index' // an index file without its .log
  | 'topic-metadata' // a topics/<name>.json that does not parse: the log keeps that topic closed
  | 'checkpoint'; // a checkpoint file that does not parse, or a log start past a partition's end

export interface Damage {
  kind: DamageKind;
  file: string;
  /** Byte position in `file`, when the damage has one. */
  position?: number;
  message: string;
}

export interface VerifyReport {
  dir: string;
  partitions: number;
  segments: number;
  batches: number;
  records: number;
  damage: Damage[];
  /** Things worth knowing that are not damage (a missing index is rebuilt on open). */
  notes: string[];
}

export interface VerifyOptions {
  /** Accept gaps between batches' offsets, as compaction leaves them. Default false. */
  allowGaps?: boolean;
}

interface BatchSpan {
  baseOffset: number;
  lastOffset: number;
}

type SegmentFiles = Partial<Record<SegmentFileKind, string>>;

/** Verifies every partition under `dir`; throws {@link BadInputError} when `dir` cannot be read. */
export async function verifyLogDir(dir: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const report: VerifyReport = {
    dir,
    partitions: 0,
    segments: 0,
    batches: 0,
    records: 0,
    damage: [],
    notes: [],
  };
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (cause) {
    throw new BadInputError(`cannot read log directory ${dir}: ${(cause as Error).message}`, {
      file: dir,
      cause,
    });
  }
  if (entries.some((e) => e.isFile() && parseSegmentFileName(e.name) !== null)) {
    await verifyPartition(dir, report, options, []);
    return report;
  }
  const partitions = entries
    .filter((e) => e.isDirectory() && parsePartitionDirName(e.name) !== null)
    .map((e) => e.name)
    .sort();
  const ends = new Map<string, number>();
  for (const name of partitions) {
    const quarantined = await quarantinedRanges(join(dir, QUARANTINE_DIR, name));
    ends.set(name, await verifyPartition(join(dir, name), report, options, quarantined));
  }
  if (partitions.length === 0) report.notes.push(`${dir} holds no <topic>-<partition> directories`);
  await verifyTopicFiles(dir, report);
  await verifyCheckpoints(dir, ends, report);
  return report;
}

/** Where `sluice log repair` moves damaged bytes: `<log.dir>/quarantine/<topic>-<partition>/<from>-<to>.batch`. */
export const QUARANTINE_DIR = 'quarantine';

/** Offsets `sluice log repair` quarantined from a partition, from the names of its quarantine files. */
async function quarantinedRanges(dir: string): Promise<[number, number][]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const ranges: [number, number][] = [];
  for (const name of names) {
    const m = /^(\d+)-(\d+)\.batch$/.exec(name);
    if (m) ranges.push([Number(m[1]), Number(m[2])]);
  }
  return ranges;
}

async function verifyTopicFiles(dir: string, report: VerifyReport): Promise<void> {
  let names: string[];
  try {
    names = await readdir(join(dir, 'topics'));
  } catch {
    return;
  }
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const file = join(dir, 'topics', name);
    try {
      parseTopicFile(name.slice(0, -'.json'.length), file, await readFile(file, 'utf8'));
    } catch (err) {
      report.damage.push({
        kind: 'topic-metadata',
        file,
        message: `${(err as Error).message}; the log keeps this topic closed`,
      });
    }
  }
}

async function verifyCheckpoints(
  dir: string,
  ends: Map<string, number>,
  report: VerifyReport,
): Promise<void> {
  for (const name of CHECKPOINT_FILES) {
    const file = join(dir, name);
    let entries: CheckpointEntries;
    try {
      entries = readCheckpoint(file);
    } catch (err) {
      report.damage.push({ kind: 'checkpoint', file, message: (err as Error).message });
      continue;
    }
    if (name !== 'log-start-offset-checkpoint') continue;
    for (const [key, entry] of entries) {
      const end = ends.get(key);
      if (end !== undefined && entry.offset > end) {
        report.damage.push({
          kind: 'checkpoint',
          file,
          message: `says ${key} starts at offset ${entry.offset}, past its end ${end} (which would hide every record)`,
        });
      }
    }
  }
}

const CHECKPOINT_FILES = [
  'recovery-point-offset-checkpoint',
  'log-start-offset-checkpoint',
  'cleaner-offset-checkpoint',
] as const;

/** Verifies one partition directory; returns its end offset (one past the last offset of a batch). */
async function verifyPartition(
  dir: string,
  report: VerifyReport,
  options: VerifyOptions,
  quarantined: [number, number][],
): Promise<number> {
  report.partitions++;
  const segments = new Map<number, SegmentFiles>();
  for (const name of await readdir(dir)) {
    const parsed = parseSegmentFileName(name);
    if (parsed === null) continue;
    const files = segments.get(parsed.baseOffset) ?? {};
    files[parsed.kind] = join(dir, name);
    segments.set(parsed.baseOffset, files);
  }
  const previous = { lastOffset: -1 };
  for (const base of [...segments.keys()].sort((a, b) => a - b)) {
    const files = segments.get(base)!;
    if (files.log === undefined) {
      for (const file of [files.index, files.timeindex]) {
        if (file)
          report.damage.push({
            kind: 'orphan-index',
            file,
            message: `no ${basename(file)} segment beside it`,
          });
      }
      continue;
    }
    report.segments++;
    const batches = await verifySegmentLog(files.log, base, previous, report, options, quarantined);
    if (files.index === undefined)
      report.notes.push(`${files.log} has no .index (rebuilt when the log opens)`);
    else await verifyOffsetIndex(files.index, base, batches, report);
    if (files.timeindex === undefined)
      report.notes.push(`${files.log} has no .timeindex (rebuilt when the log opens)`);
    else await verifyTimeIndex(files.timeindex, base, batches, report);
  }
  const bases = [...segments.keys()];
  return Math.max(previous.lastOffset + 1, bases.length > 0 ? Math.max(...bases) : 0);
}

/** Checks the batches of one `.log`; returns the sound batches by file position, for the index checks. */
async function verifySegmentLog(
  file: string,
  base: number,
  previous: { lastOffset: number },
  report: VerifyReport,
  options: VerifyOptions,
  quarantined: [number, number][],
): Promise<Map<number, BatchSpan>> {
  const spans = new Map<number, BatchSpan>();
  const records: LogRecord[] = [];
  const damage = (kind: DamageKind, position: number, message: string) =>
    report.damage.push({ kind, file, position, message });
  const scan = await scanSegmentFile(file, ({ bytes, position, problem }) => {
    report.batches++;
    const header = readBatchHeader(bytes, 0);
    const span = { baseOffset: header.baseOffset, lastOffset: header.baseOffset + header.lastOffsetDelta };
    if (problem !== null) {
      // Its framing is sound, so its header most likely is too: keep its offsets so that the index and offset
      // checks that follow report their own damage rather than echoes of this one.
      damage('corrupt-batch', position, problem);
      if (header.lastOffsetDelta >= 0) {
        spans.set(position, span);
        previous.lastOffset = Math.max(previous.lastOffset, span.lastOffset);
      }
      return;
    }
    if (header.lastOffsetDelta < 0) {
      damage('offset-order', position, `batch has a negative last offset delta ${header.lastOffsetDelta}`);
    } else if (span.baseOffset < base) {
      damage(
        'offset-order',
        position,
        `batch starts at offset ${span.baseOffset}, before the segment base ${base}`,
      );
    } else if (previous.lastOffset >= 0 && span.baseOffset <= previous.lastOffset) {
      damage(
        'offset-order',
        position,
        `batch starts at offset ${span.baseOffset}, not after ${previous.lastOffset}`,
      );
    } else if (
      previous.lastOffset >= 0 &&
      span.baseOffset !== previous.lastOffset + 1 &&
      !options.allowGaps
    ) {
      const from = previous.lastOffset + 1;
      const to = span.baseOffset - 1;
      if (quarantined.some(([a, b]) => a <= from && b >= to)) {
        report.notes.push(`${file}: offsets ${from} to ${to} were quarantined by \`sluice log repair\``);
      } else damage('offset-gap', position, `offsets ${from} to ${to} are missing`);
    }
    previous.lastOffset = Math.max(previous.lastOffset, span.lastOffset);
    spans.set(position, span);
    records.length = 0;
    try {
      decodeBatchRecords(bytes, 0, records);
      report.records += records.length;
    } catch (err) {
      if (err instanceof CorruptRecordError)
        damage('corrupt-batch', position, `records do not parse: ${err.message}`);
      else report.notes.push(`${file} at position ${position}: ${(err as Error).message}`);
    }
  });
  if (scan.problem !== null) {
    damage(
      'torn-tail',
      scan.end,
      `${scan.problem}; ${scan.fileSize - scan.end} bytes from here are not a batch`,
    );
  }
  return spans;
}

async function verifyOffsetIndex(
  file: string,
  base: number,
  batches: Map<number, BatchSpan>,
  report: VerifyReport,
): Promise<void> {
  const index = readOffsetIndex(await readFile(file), base);
  if (index.leftover > 0) {
    report.damage.push({
      kind: 'torn-index',
      file,
      message: `${index.leftover} bytes at the end are not an entry`,
    });
  }
  let last = { relativeOffset: -1, position: -1 };
  for (const entry of index.entries) {
    const damage = (message: string) =>
      report.damage.push({ kind: 'index-entry', file, position: entry.at, message });
    const batch = batches.get(entry.position);
    if (entry.relativeOffset <= last.relativeOffset || entry.position <= last.position) {
      damage(`entry (offset ${entry.offset}, position ${entry.position}) does not follow the previous entry`);
    } else if (batch === undefined) {
      damage(
        `offset ${entry.offset} points at position ${entry.position}, which is not the start of a batch`,
      );
    } else if (entry.offset < batch.baseOffset || entry.offset > batch.lastOffset) {
      damage(
        `offset ${entry.offset} points at the batch at position ${entry.position}, which holds offsets ${batch.baseOffset} to ${batch.lastOffset}`,
      );
    }
    last = entry;
  }
}

async function verifyTimeIndex(
  file: string,
  base: number,
  batches: Map<number, BatchSpan>,
  report: VerifyReport,
): Promise<void> {
  const index = readTimeIndex(await readFile(file), base);
  if (index.leftover > 0) {
    report.damage.push({
      kind: 'torn-index',
      file,
      message: `${index.leftover} bytes at the end are not an entry`,
    });
  }
  let segmentLast = base - 1;
  for (const span of batches.values()) segmentLast = Math.max(segmentLast, span.lastOffset);
  let last = { timestamp: Number.NEGATIVE_INFINITY, offset: base - 1 };
  for (const entry of index.entries) {
    const damage = (message: string) =>
      report.damage.push({ kind: 'time-index-entry', file, position: entry.at, message });
    if (entry.timestamp < last.timestamp) {
      damage(`timestamp ${entry.timestamp} is earlier than the previous entry's ${last.timestamp}`);
    } else if (entry.offset < last.offset) {
      damage(`offset ${entry.offset} is before the previous entry's ${last.offset}`);
    } else if (entry.offset < base || entry.offset > segmentLast) {
      damage(`offset ${entry.offset} is outside the segment's offsets ${base} to ${segmentLast}`);
    }
    last = entry;
  }
}
