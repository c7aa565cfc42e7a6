import type { Client, ConsumerRecord } from '../client/index.js';
import type { PartitionRange } from './replay-from.js';

export type RawRecord = ConsumerRecord<Buffer | null, Buffer | null>;

/**
 * How long reading waits for the next batch before it takes the partitions left as read: over the Kafka protocol a
 * partition may end in transaction markers, which no record reaches, and the client cannot say where it stands.
 */
const QUIET_MS = 5000;

/**
 * Reads the records of `ranges` of `topic`, without a group, as committed data only (`read_committed`: what the
 * pipeline's streams read and what downstream readers see). Returns them by partition, each in offset order.
 */
export async function readRanges(
  client: Client,
  topic: string,
  ranges: readonly PartitionRange[],
): Promise<Map<number, RawRecord[]>> {
  const out = new Map<number, RawRecord[]>(ranges.map((r) => [r.partition, []]));
  const wanted = ranges.filter((r) => r.to > r.from);
  if (wanted.length === 0) return out;
  const consumer = client.consumer<Buffer | null, Buffer | null>({
    'enable.auto.commit': false,
    'isolation.level': 'read_committed',
    'client.id': 'sluice-diff',
  });
  const ends = new Map(wanted.map((r) => [r.partition, r.to]));
  const positions = new Map(wanted.map((r) => [r.partition, r.from]));
  const done = () => [...positions].every(([p, at]) => at >= ends.get(p)!);
  try {
    await consumer.assign(wanted.map((r) => ({ topic, partition: r.partition })));
    for (const r of wanted) consumer.seek({ topic, partition: r.partition, offset: r.from });
    const batches = consumer[Symbol.asyncIterator]();
    while (!done()) {
      let timer: NodeJS.Timeout | undefined;
      const quiet = new Promise<'quiet'>((resolve) => {
        timer = setTimeout(() => resolve('quiet'), QUIET_MS);
      });
      const next = await Promise.race([batches.next(), quiet]).finally(() => clearTimeout(timer));
      if (next === 'quiet' || next.done) break;
      const batch = next.value;
      const end = ends.get(batch.partition);
      if (end === undefined) continue;
      const into = out.get(batch.partition)!;
      for (const record of batch.records) {
        if (record.offset >= end) {
          positions.set(batch.partition, end);
          break;
        }
        into.push(record);
        positions.set(batch.partition, record.offset + 1);
      }
      const position = consumer.position?.({ topic, partition: batch.partition });
      if (position !== undefined && position > positions.get(batch.partition)!)
        positions.set(batch.partition, position);
    }
  } finally {
    await consumer.close();
  }
  return out;
}
