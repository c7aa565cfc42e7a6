import path from 'node:path';

/** Kafka names segment files by their base offset, zero-padded to 20 digits: `00000000000000000042.log`. */
export function segmentFileName(baseOffset: number, ext: '.log' | '.index' | '.timeindex'): string {
  return `${String(baseOffset).padStart(20, '0')}${ext}`;
}

export function segmentPath(dir: string, baseOffset: number, ext: '.log' | '.index' | '.timeindex'): string {
  return path.join(dir, segmentFileName(baseOffset, ext));
}

const SEGMENT_LOG = /^(\d{20})\.log$/;

/** The base offsets of the segments in a partition directory listing, ascending. */
export function segmentBaseOffsets(names: readonly string[]): number[] {
  const offsets: number[] = [];
  for (const name of names) {
    const m = SEGMENT_LOG.exec(name);
    if (m) offsets.push(Number(m[1]));
  }
  return offsets.sort((a, b) => a - b);
}

/** The name of a partition's directory under the log dir. */
export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

const PARTITION_DIR = /^(.+)-(\d+)$/;

/** Topic and partition of a directory named `<topic>-<partition>`, or null. */
export function parsePartitionDirName(name: string): { topic: string; partition: number } | null {
  const m = PARTITION_DIR.exec(name);
  return m ? { topic: m[1]!, partition: Number(m[2]) } : null;
}
