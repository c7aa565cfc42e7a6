import { randomUUID } from 'node:crypto';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InteropBroker, startInteropBroker } from './interop-broker.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

let broker: InteropBroker;
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  broker = await startInteropBroker();
  kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'interop', logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await broker?.stop();
});

const name = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

describe('broker › interop › kafkajs', () => {
  it('admin creates, describes and deletes topics', async () => {
    const topic = name('admin');
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] })).toBe(false);
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
    const described = await admin.describeConfigs({
      resources: [{ type: 2, name: topic }],
      includeSynonyms: false,
    });
    const entries = described.resources[0].configEntries;
    expect(entries.find((e) => e.configName === 'cleanup.policy')).toMatchObject({
      configValue: 'delete',
      isDefault: true,
    });
    await admin.alterConfigs({
      resources: [{ type: 2, name: topic, configEntries: [{ name: 'retention.ms', value: '60000' }] }],
      validateOnly: false,
    });
    const altered = await admin.describeConfigs({
      resources: [{ type: 2, name: topic }],
      includeSynonyms: false,
    });
    expect(altered.resources[0].configEntries.find((e) => e.configName === 'retention.ms')).toMatchObject({
      configValue: '60000',
      isDefault: false,
    });
    await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
    expect((await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions).toHaveLength(4);
    expect(await admin.listTopics()).toContain(topic);
    await admin.deleteTopics({ topics: [topic] });
    expect(await admin.listTopics()).not.toContain(topic);
  });

  it('an idempotent producer with acks=all appends in order, and offsets are reported', async () => {
    const topic = name('produce');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < 3; i++) {
      const [meta] = await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: 10 }, (_, j) => ({ key: `k${j}`, value: `batch ${i} record ${j}` })),
      });
      expect(meta).toMatchObject({ errorCode: 0, baseOffset: String(i * 10) });
    }
    await producer.disconnect();
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets).toEqual([{ partition: 0, offset: '30', high: '30', low: '0' }]);
    const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, Date.now() + 60_000);
    expect(byTime[0].offset).toBe('30');
  });

  it('deletes records below an offset', async () => {
    const topic = name('delete-records');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ value: `v${i}` })) });
    await producer.disconnect();
    await admin.fetchTopicMetadata({ topics: [topic] }); // kafkajs looks leaders up in its cached metadata
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '3' }] });
    const [offsets] = await admin.fetchTopicOffsets(topic);
    expect(offsets).toMatchObject({ low: '3', high: '5' });
  });

  it('a consumer group reads every record once, commits, and the admin sees the group', async () => {
    const topic = name('group');
    const groupId = name('g');
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    const producer = kafka.producer();
    await producer.connect();
    const sent = Array.from({ length: 30 }, (_, i) => ({ key: `key-${i}`, value: `value-${i}` }));
    await producer.send({ topic, acks: -1, messages: sent });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(message.value!.toString());
          if (seen.length === sent.length) resolve();
        },
      });
    });
    await done;
    const described = await admin.describeGroups([groupId]);
    expect(described.groups[0]).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer' });
    expect(described.groups[0].members).toHaveLength(1);
    await consumer.disconnect();

    expect(seen.sort()).toEqual(sent.map((m) => m.value).sort());
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const total = committed[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(total).toBe(30);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).toContain(groupId);
    await admin.deleteGroups([groupId]);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(groupId);
  });
});
