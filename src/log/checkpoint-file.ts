import fs from 'node:fs';
import { CorruptRecordError } from '../errors.js';
import { writeFileAtomic } from './fs-util.js';

/** Offsets per partition, keyed `<topic>-<partition>` like the partition directories. */
export type CheckpointEntries = Map<string, { topic: string; partition: number; offset: number }>;

/**
 * Kafka's offset checkpoint files (`recovery-point-offset-checkpoint`, `log-start-offset-checkpoint`):
 *
 *     0                       version
 *     2                       number of entries
 *     orders 0 1200           topic partition offset
 *     orders 1 1177
 *
 * Written whole to a temp file, fsynced, renamed over the old one and the directory fsynced, so a crash leaves
 * either the old or the new file, never half of one.
 */
export function formatCheckpoint(entries: CheckpointEntries): string {
  let text = `0\n${entries.size}\n`;
  for (const { topic, partition, offset } of entries.values()) text += `${topic} ${partition} ${offset}\n`;
  return text;
}

/** Parses a checkpoint; throws CorruptRecordError naming the file and line when it is not one. */
export function parseCheckpoint(text: string, file: string): CheckpointEntries {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const bad = (line: number, what: string) =>
    new CorruptRecordError(
      `${file}:${line}: ${what}; delete the file to recover every partition from scratch`,
      {
        file,
      },
    );
  if (lines[0] !== '0') throw bad(1, `unknown checkpoint version ${JSON.stringify(lines[0])}`);
  const count = Number(lines[1]);
  if (!Number.isInteger(count) || count !== lines.length - 2) {
    throw bad(2, `entry count ${JSON.stringify(lines[1])} does not match the ${lines.length - 2} entries`);
  }
  const entries: CheckpointEntries = new Map();
  for (let i = 2; i < lines.length; i++) {
    const parts = lines[i]!.split(' ');
    const partition = Number(parts[1]);
    const offset = Number(parts[2]);
    if (parts.length !== 3 || !Number.isInteger(partition) || !Number.isInteger(offset)) {
      throw bad(i + 1, `expected "<topic> <partition> <offset>", found ${JSON.stringify(lines[i])}`);
    }
    entries.set(`${parts[0]}-${partition}`, { topic: parts[0]!, partition, offset });
  }
  return entries;
}

/** Reads a checkpoint file; an empty map when it does not exist. */
export function readCheckpoint(file: string): CheckpointEntries {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  return parseCheckpoint(text, file);
}

export function writeCheckpoint(file: string, entries: CheckpointEntries): Promise<void> {
  return writeFileAtomic(file, formatCheckpoint(entries));
}
