import { GroupError } from '../../errors.js';
import type { SourceMap } from '../data/connect-record.js';
import { DataError } from '../errors.js';
import type { ParsedConnectorConfig } from './connector-config.js';
import type { Worker } from './worker.js';

/**
 * Offsets in the shape of Kafka Connect's `GET /connectors/{c}/offsets` (KIP-875): source connectors list their
 * source partitions and offsets; sink connectors `{kafka_topic, kafka_partition}` and `{kafka_offset}`.
 */
export interface ConnectorOffsets {
  offsets: { partition: SourceMap; offset: SourceMap | null }[];
}

const groupOf = (name: string) => `connect-${name}`;

function sinkPartition(partition: SourceMap): { topic: string; partition: number } {
  const topic = partition.kafka_topic;
  const p = partition.kafka_partition;
  if (typeof topic !== 'string' || typeof p !== 'number') {
    throw new DataError('a sink offset partition must be {"kafka_topic": "<topic>", "kafka_partition": <n>}');
  }
  return { topic, partition: p };
}

export const offsetsApi = {
  async get(worker: Worker, parsed: ParsedConnectorConfig, name: string): Promise<ConnectorOffsets> {
    if (parsed.definition.kind === 'source') {
      return { offsets: worker.offsetStore.list(name) };
    }
    try {
      const [group] = await worker.options.client.admin().describeGroups([groupOf(name)]);
      return {
        offsets: (group?.offsets ?? [])
          .filter((o) => o.committed >= 0)
          .map((o) => ({
            partition: { kafka_topic: o.topic, kafka_partition: o.partition },
            offset: { kafka_offset: o.committed },
          })),
      };
    } catch (err) {
      if (err instanceof GroupError && err.code === 'GROUP_ID_NOT_FOUND') return { offsets: [] };
      throw err;
    }
  },

  /** `offsets` null resets everything; an entry with a null offset resets that partition. */
  async alter(
    worker: Worker,
    parsed: ParsedConnectorConfig,
    name: string,
    offsets: ConnectorOffsets | null,
  ): Promise<void> {
    if (parsed.definition.kind === 'source') {
      const entries =
        offsets?.offsets ??
        worker.offsetStore.list(name).map((e) => ({ partition: e.partition, offset: null }));
      await worker.offsetStore.write(name, entries);
      return;
    }
    const admin = worker.options.client.admin();
    if (offsets === null) {
      await admin.deleteGroups([groupOf(name)]).catch((err) => {
        if (!(err instanceof GroupError && err.code === 'GROUP_ID_NOT_FOUND')) throw err;
      });
      return;
    }
    for (const entry of offsets.offsets) {
      const tp = sinkPartition(entry.partition);
      const offset = entry.offset?.kafka_offset;
      if (entry.offset !== null && typeof offset !== 'number') {
        throw new DataError('a sink offset must be {"kafka_offset": <n>} or null');
      }
      await admin.resetOffsets({
        groupId: groupOf(name),
        topics: [{ topic: tp.topic, partitions: [tp.partition] }],
        target: entry.offset === null ? { to: 'earliest' } : { to: 'offset', offset: offset as number },
      });
    }
  },
};
