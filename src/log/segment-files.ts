import path from 'node:path';
import { parseSegmentFileName } from './tools/segment-file-name.js';

export type SegmentExt = '.log' | '.index' | '.timeindex' | '.txnindex';

/** The path of a segment file: `<dir>/<20-digit base offset><ext>`, Kafka's naming. */
export function segmentPath(dir: string, baseOffset: number, ext: SegmentExt): string {
  return path.join(dir, `${String(baseOffset).padStart(20, '0')}${ext}`);
}

/** The base offsets of the segments in a partition directory listing, ascending. */
export function segmentBaseOffsets(names: readonly string[]): number[] {
  const offsets: number[] = [];
  for (const name of names) {
    const parsed = parseSegmentFileName(name);
    if (parsed?.kind === 'log') offsets.push(parsed.baseOffset);
  }
  return offsets.sort((a, b) => a - b);
}

/** The name of a partition's directory under the log dir. */
export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}
