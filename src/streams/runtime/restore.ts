import type { ConsumerRecord } from '../../client/records.js';
import type { Client } from '../../client/types.js';
import type { IsolationLevel } from '../../log/types.js';
import type { StateStore, StoreGroup } from '../state/state-store.js';
import { changelogTopic } from '../topology.js';

const TICK = Symbol('tick');

/**
 * Replays partition `partition` of each store's changelog into the store, from the log start to the end as it was
 * when the restore began. With `read_committed` (exactly once), records of aborted transactions are skipped, and
 * the end is reached when the consumer's position passes it, as transaction markers may follow the last record.
 * Returns the number of records applied.
 */
export async function restoreStores(
  client: Client,
  applicationId: string,
  groups: StoreGroup<StateStore>[],
  partition: number,
  isolationLevel: IsolationLevel = 'read_uncommitted',
): Promise<number> {
  const admin = client.admin();
  let applied = 0;
  for (const group of groups) {
    const topic = changelogTopic(applicationId, group.name);
    const offsets = await admin.partitionOffsets(topic);
    const info = offsets.find((p) => p.partition === partition);
    const store = group.partition(partition);
    if (info === undefined || info.highWatermark <= info.logStartOffset) continue;
    const end = info.highWatermark;
    const consumer = client.consumer({ 'auto.offset.reset': 'earliest', 'isolation.level': isolationLevel });
    try {
      await consumer.assign([{ topic, partition }]);
      consumer.seek({ topic, partition, offset: info.logStartOffset });
      const batches = consumer[Symbol.asyncIterator]();
      let pending = batches.next();
      for (;;) {
        const step = await Promise.race([pending, delay(50)]);
        if (step === TICK) {
          if ((consumer.position?.({ topic, partition }) ?? -1) < end) continue;
          // Caught up; a batch handed out meanwhile has settled by now (promise jobs run before timers).
          const last = await Promise.race([pending, delay(0)]);
          if (last !== TICK && !last.done) applied += apply(last.value.records, store, end);
          break;
        }
        if (step.done) break;
        applied += apply(step.value.records, store, end);
        if (step.value.records[step.value.records.length - 1].offset >= end - 1) break;
        pending = batches.next();
      }
    } finally {
      await consumer.close();
    }
  }
  return applied;
}

function apply(
  records: ConsumerRecord<Buffer | null, Buffer | null>[],
  store: StateStore,
  end: number,
): number {
  let applied = 0;
  for (const record of records) {
    if (record.offset >= end) break;
    if (record.key !== null)
      store.restore({ key: record.key, value: record.value, timestamp: record.timestamp });
    applied++;
  }
  return applied;
}

function delay(ms: number): Promise<typeof TICK> {
  return new Promise((resolve) => setTimeout(() => resolve(TICK), ms));
}
