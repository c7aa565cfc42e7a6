import fs from 'node:fs';
import path from 'node:path';
import type { AppendRecord } from '../../../src/log/index.js';
import { Log } from '../../../src/log/index.js';
import {
  batches,
  emptyTally,
  makeValues,
  type ReadTally,
  type Subject,
  tally,
  type Workload,
} from './workload.js';

export const TOPIC = 'bench';

/** Bytes of every `.log` segment of a partition directory. */
export function segmentBytes(partitionDir: string): number {
  return fs
    .readdirSync(partitionDir)
    .filter((f) => f.endsWith('.log'))
    .reduce((sum, f) => sum + fs.statSync(path.join(partitionDir, f)).size, 0);
}

/** Appends `w` to partition 0 of {@link TOPIC} of an open log, batch after batch. */
export async function appendWorkload(log: Log, w: Workload, acks: 1 | 'all'): Promise<void> {
  const values = makeValues(w);
  const records: AppendRecord[] = values.map((value) => ({ value }));
  for (let b = 0; b < batches(w); b++) await log.append(TOPIC, 0, records, { acks });
}

/** Reads partition 0 of {@link TOPIC} from its start to its end, decoding every record. */
export async function readAll(log: Log, onBatch?: () => void): Promise<ReadTally> {
  const t = emptyTally();
  const { highWatermark } = log.offsets(TOPIC, 0);
  let offset = log.offsets(TOPIC, 0).logStartOffset;
  while (offset < highWatermark) {
    const r = await log.readRecords(TOPIC, 0, offset, { maxBytes: 1 << 20 });
    for (const rec of r.records) if (rec.offset >= offset) tally(t, rec.offset, rec.timestamp, rec.value);
    offset = r.nextOffset;
    onBatch?.();
  }
  return t;
}

/** Topic config for the benchmark: one segment size as Kafka's default, batches of 1,000 1 KB values allowed. */
export const benchTopicConfig = { 'segment.bytes': 1 << 30, 'max.message.bytes': 16 << 20 };

/**
 * sluice's segment log, embedded: `append` with acks=1 (page cache, no fsync) or acks=all (resolves once fsynced),
 * then `readRecords` from the start in 1 MiB reads.
 */
export const sluice: Subject = {
  name: 'sluice',
  async open(dir, w, durability) {
    const log = await Log.open({ dir });
    await log.createTopic(TOPIC, { partitions: 1, config: benchTopicConfig });
    return {
      async append() {
        await appendWorkload(log, w, durability === 'fsync' ? 'all' : 1);
        return segmentBytes(path.join(dir, `${TOPIC}-0`));
      },
      read: () => readAll(log),
      close: () => log.close(),
    };
  },
};
