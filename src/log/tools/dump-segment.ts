/**
 * What `sluice log dump` shows: every batch of a `.log` segment (and optionally its records), or every entry of
 * an `.index` / `.timeindex`, as plain objects a caller prints as text or JSON. Like Kafka's DumpLogSegments tool.
 */
import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { BadInputError } from '../../errors.js';
import { readBatchHeader } from '../codec/batch-header.js';
import { Attribute } from '../codec/batch-layout.js';
import { decodeBatchRecords } from '../codec/record-decoder.js';
import type { LogRecord } from '../types.js';
import { readOffsetIndex, readTimeIndex } from './index-entries.js';
import { parseSegmentFileName } from './segment-file-name.js';
import { scanSegmentFile } from './segment-scanner.js';

const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Bytes shown as UTF-8 text when they are valid UTF-8, else as base64. */
export interface PrintableBytes {
  encoding: 'utf8' | 'base64';
  text: string;
  size: number;
}

export interface RecordDump {
  offset: number;
  timestamp: number;
  key: PrintableBytes | null;
  value: PrintableBytes | null;
  headers: { key: string; value: PrintableBytes | null }[];
}

export interface BatchDump {
  type: 'batch';
  position: number;
  baseOffset: number;
  lastOffset: number;
  count: number;
  size: number;
  magic: number;
  crc: number;
  crcValid: boolean;
  /** Why the batch is not valid, when it is not. */
  problem?: string;
  attributes: number;
  compression: string;
  timestampType: 'CreateTime' | 'LogAppendTime';
  transactional: boolean;
  control: boolean;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  partitionLeaderEpoch: number;
  records?: RecordDump[];
  /** Why the records could not be shown (an unsupported codec, malformed records). */
  recordsProblem?: string;
}

export interface OffsetIndexEntryDump {
  type: 'index-entry';
  at: number;
  relativeOffset: number;
  offset: number;
  position: number;
}

export interface TimeIndexEntryDump {
  type: 'time-index-entry';
  at: number;
  timestamp: number;
  relativeOffset: number;
  offset: number;
}

/** The last item of every dump: how it ended. */
export interface DumpEnd {
  type: 'end';
  file: string;
  kind: 'log' | 'index' | 'timeindex';
  /** From the file name; 0 when the name is not a 20-digit base offset (`baseOffsetKnown` false). */
  baseOffset: number;
  baseOffsetKnown: boolean;
  fileSize: number;
  items: number;
  /** Damage that stopped the dump (a torn tail, a bad length), with its file position. */
  problem: { position: number; reason: string } | null;
  /** Index files only: zero-filled entries at the end (preallocated, not trimmed). */
  padding?: number;
}

export type DumpItem = BatchDump | OffsetIndexEntryDump | TimeIndexEntryDump;

export function printable(bytes: Buffer | null): PrintableBytes | null {
  if (bytes === null) return null;
  return isUtf8(bytes)
    ? { encoding: 'utf8', text: bytes.toString('utf8'), size: bytes.length }
    : { encoding: 'base64', text: bytes.toString('base64'), size: bytes.length };
}

function recordDump(record: LogRecord): RecordDump {
  return {
    offset: record.offset,
    timestamp: record.timestamp,
    key: printable(record.key),
    value: printable(record.value),
    headers: record.headers.map((h) => ({ key: h.key, value: printable(h.value) })),
  };
}

function batchDump(bytes: Buffer, position: number, problem: string | null, withRecords: boolean): BatchDump {
  const h = readBatchHeader(bytes, 0);
  const dump: BatchDump = {
    type: 'batch',
    position,
    baseOffset: h.baseOffset,
    lastOffset: h.baseOffset + h.lastOffsetDelta,
    count: h.recordCount,
    size: bytes.length,
    magic: h.magic,
    crc: h.crc,
    crcValid: problem === null,
    ...(problem === null ? {} : { problem }),
    attributes: h.attributes,
    compression: COMPRESSION_NAMES[h.attributes & Attribute.CompressionMask] ?? 'unknown',
    timestampType: h.attributes & Attribute.LogAppendTime ? 'LogAppendTime' : 'CreateTime',
    transactional: (h.attributes & Attribute.Transactional) !== 0,
    control: (h.attributes & Attribute.Control) !== 0,
    baseTimestamp: h.baseTimestamp,
    maxTimestamp: h.maxTimestamp,
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
  };
  if (withRecords) {
    const records: LogRecord[] = [];
    try {
      decodeBatchRecords(bytes, 0, records);
      dump.records = records.map(recordDump);
    } catch (err) {
      dump.recordsProblem = err instanceof Error ? err.message : String(err);
    }
  }
  return dump;
}

/**
 * Dumps the segment file at `path` (a `.log`, `.index` or `.timeindex`, told apart by extension), calling `emit`
 * for each batch or entry as it is read, and returns how the dump ended. Throws {@link BadInputError} for a file of
 * another kind; file system errors (a missing file) pass through.
 */
export async function dumpSegmentFile(
  path: string,
  options: { records?: boolean },
  emit: (item: DumpItem) => void,
): Promise<DumpEnd> {
  const name = basename(path);
  const parsed = parseSegmentFileName(name);
  const kind = parsed?.kind ?? (/\.(log|index|timeindex)$/.exec(name)?.[1] as DumpEnd['kind'] | undefined);
  if (kind === undefined) {
    throw new BadInputError(`${path} is not a segment file; give a .log, .index or .timeindex file`, {
      file: path,
    });
  }
  const baseOffset = parsed?.baseOffset ?? 0;
  const end: DumpEnd = {
    type: 'end',
    file: path,
    kind,
    baseOffset,
    baseOffsetKnown: parsed !== null,
    fileSize: 0,
    items: 0,
    problem: null,
  };
  if (kind === 'log') {
    const scan = await scanSegmentFile(path, ({ bytes, position, problem }) => {
      emit(batchDump(bytes, position, problem, options.records === true));
      end.items++;
    });
    end.fileSize = scan.fileSize;
    if (scan.problem !== null) end.problem = { position: scan.end, reason: scan.problem };
    return end;
  }
  const bytes = await readFile(path);
  end.fileSize = bytes.length;
  const index = kind === 'index' ? readOffsetIndex(bytes, baseOffset) : readTimeIndex(bytes, baseOffset);
  for (const entry of index.entries) {
    emit('position' in entry ? { type: 'index-entry', ...entry } : { type: 'time-index-entry', ...entry });
    end.items++;
  }
  end.padding = index.padding;
  if (index.leftover > 0) {
    end.problem = {
      position: bytes.length - index.leftover,
      reason: `${index.leftover} bytes at the end are too few for an entry (a torn write)`,
    };
  }
  return end;
}
