/**
 * Kafka's segment file names: the base offset, zero-padded to 20 digits, then the kind of file.
 * `00000000000000000042.log` holds the batches from offset 42; `.index` and `.timeindex` beside it index them.
 */

export type SegmentFileKind = 'log' | 'index' | 'timeindex';

export interface SegmentFileName {
  baseOffset: number;
  kind: SegmentFileKind;
}

const SEGMENT_FILE = /^(\d{20})\.(log|index|timeindex)$/;
const PARTITION_DIR = /^(.+)-(\d+)$/;

/** Parses a segment file's base name, or returns null for anything else (checkpoints, `.deleted` files …). */
export function parseSegmentFileName(name: string): SegmentFileName | null {
  const match = SEGMENT_FILE.exec(name);
  if (match === null) return null;
  return { baseOffset: Number(match[1]), kind: match[2] as SegmentFileKind };
}

/** The name of a segment file: `segmentFileName(42, 'log')` is `00000000000000000042.log`. */
export function segmentFileName(baseOffset: number, kind: SegmentFileKind): string {
  return `${String(baseOffset).padStart(20, '0')}.${kind}`;
}

/** Splits a partition directory name `<topic>-<partition>`, or returns null when it is not one. */
export function parsePartitionDirName(name: string): { topic: string; partition: number } | null {
  const match = PARTITION_DIR.exec(name);
  if (match === null) return null;
  return { topic: match[1], partition: Number(match[2]) };
}
