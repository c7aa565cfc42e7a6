import type { Client } from '../../client/types.js';
import type { StateStore, StoreGroup } from '../state/state-store.js';
import { changelogTopic } from '../topology.js';

/**
 * Replays partition `partition` of each store's changelog into the store, from the log start to the end as it was
 * when the restore began. Returns the number of records applied.
 */
export async function restoreStores(
  client: Client,
  applicationId: string,
  groups: StoreGroup<StateStore>[],
  partition: number,
): Promise<number> {
  const admin = client.admin();
  let applied = 0;
  for (const group of groups) {
    const topic = changelogTopic(applicationId, group.name);
    const offsets = await admin.partitionOffsets(topic);
    const info = offsets.find((p) => p.partition === partition);
    const store = group.partition(partition);
    if (info === undefined || info.highWatermark <= info.logStartOffset) continue;
    const consumer = client.consumer({ 'auto.offset.reset': 'earliest' });
    try {
      await consumer.assign([{ topic, partition }]);
      consumer.seek({ topic, partition, offset: info.logStartOffset });
      for await (const batch of consumer) {
        for (const record of batch.records) {
          if (record.offset >= info.highWatermark) break;
          if (record.key !== null)
            store.restore({ key: record.key, value: record.value, timestamp: record.timestamp });
          applied++;
        }
        if (batch.records[batch.records.length - 1].offset >= info.highWatermark - 1) break;
      }
    } finally {
      await consumer.close();
    }
  }
  return applied;
}
