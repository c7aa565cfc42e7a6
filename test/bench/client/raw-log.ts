import { Log } from '../../../src/log/index.js';
import { type Result, timed, value, type Workload } from './workload.js';

/**
 * The ceiling: the same records appended with `Log.append` in chunks and read back with `Log.readRecords`, no
 * client in between. Its rate is records / (append time + read time), the cost one process pays to move them.
 */
export async function rawLog(dir: string, w: Workload): Promise<Result[]> {
  const log = await Log.open({ dir });
  try {
    await log.createTopic('raw', { partitions: w.partitions });
    const chunk = Array.from({ length: w.chunk }, () => ({ value: value(w) }));
    const append = await timed(async () => {
      for (let i = 0; i < w.records / w.chunk; i++)
        await log.append('raw', i % w.partitions, chunk, { acks: 1 });
    });
    const read = await timed(async () => {
      let n = 0;
      for (let p = 0; p < w.partitions; p++) {
        let offset = 0;
        for (;;) {
          const r = await log.readRecords('raw', p, offset, { maxBytes: 1 << 20 });
          if (r.records.length === 0) break;
          n += r.records.length;
          offset = r.nextOffset;
        }
      }
      return n;
    });
    return [
      { case: 'append', subject: 'raw log', records: w.records, ms: append.ms },
      { case: 'read', subject: 'raw log', records: read.result, ms: read.ms },
      { case: 'append + read', subject: 'raw log (ceiling)', records: w.records, ms: append.ms + read.ms },
    ];
  } finally {
    await log.close();
  }
}
