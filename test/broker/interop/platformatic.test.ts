import { randomUUID } from 'node:crypto';
import {
  Admin,
  Connection,
  Consumer,
  createPartitionsV3,
  describeClusterV1,
  MessagesStreamModes,
  ProduceAcks,
  Producer,
  stringDeserializers,
  stringSerializers,
} from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InteropBroker, startInteropBroker } from './interop-broker.js';

// @platformatic/kafka speaks only current protocol versions (Fetch 12+, FindCoordinator 4+, OffsetFetch 8+,
// CreateTopics 7, ...): each step below fails unless the broker serves the versions Kafka 3.9 does.

let broker: InteropBroker;
let admin: Admin;
let bootstrapBrokers: string[];

beforeAll(async () => {
  broker = await startInteropBroker();
  bootstrapBrokers = [broker.bootstrap];
  admin = new Admin({ clientId: 'interop-admin', bootstrapBrokers, retries: 0 });
});

afterAll(async () => {
  await admin?.close();
  await broker?.stop();
});

const name = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

describe('broker › interop › @platformatic/kafka', () => {
  it('admin creates, grows, lists and deletes topics, and describes the cluster', async () => {
    const topic = name('admin');
    const [created] = await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
    expect(created).toMatchObject({ name: topic, partitions: 2, replicas: 1 });
    expect(created.configuration['cleanup.policy']).toBe('delete');
    expect(await admin.listTopics()).toContain(topic);

    const connection = new Connection('interop-raw');
    const [host, port] = broker.bootstrap.split(':');
    await connection.connect(host, Number(port));
    try {
      const grown = await createPartitionsV3.api.async(
        connection,
        [{ name: topic, count: 3, assignments: [] }],
        5000,
        false,
      );
      expect(grown.results).toEqual([{ name: topic, errorCode: 0, errorMessage: null }]);
      const cluster = await describeClusterV1.api.async(connection, false, 1);
      expect(cluster).toMatchObject({
        errorCode: 0,
        controllerId: 0,
        brokers: [{ brokerId: 0, port: Number(port) }],
      });
    } finally {
      await connection.close();
    }
    const metadata = await admin.metadata({ topics: [topic] });
    expect(metadata.topics.get(topic)?.partitionsCount).toBe(3);

    await admin.deleteTopics({ topics: [topic] });
    expect(await admin.listTopics()).not.toContain(topic);
  });

  it('produces, consumes in a group, commits, and the admin lists, describes and deletes the group', async () => {
    const topic = name('group');
    const groupId = name('g');
    await admin.createTopics({ topics: [topic], partitions: 3, replicas: 1 });

    const producer = new Producer({
      clientId: 'interop-producer',
      bootstrapBrokers,
      serializers: stringSerializers,
      idempotent: true,
      acks: ProduceAcks.ALL,
    });
    const sent = Array.from({ length: 30 }, (_, i) => ({ topic, key: `key-${i}`, value: `value-${i}` }));
    try {
      const result = await producer.send({ messages: sent });
      expect(result.offsets?.length).toBeGreaterThan(0);
    } finally {
      await producer.close();
    }

    const consumer = new Consumer({
      clientId: 'interop-consumer',
      groupId,
      bootstrapBrokers,
      deserializers: stringDeserializers,
      maxWaitTime: 200,
      heartbeatInterval: 500,
      sessionTimeout: 10_000,
    });
    const seen: string[] = [];
    const next = new Map<number, bigint>();
    try {
      const stream = await consumer.consume({
        topics: [topic],
        mode: MessagesStreamModes.EARLIEST,
        autocommit: false,
      });
      for await (const message of stream) {
        seen.push(message.value);
        next.set(message.partition, message.offset + 1n);
        if (seen.length === sent.length) break;
      }
      expect(seen.sort()).toEqual(sent.map((m) => m.value).sort());

      const partitions = [0, 1, 2];
      const commit = (offset: (p: number) => bigint) =>
        consumer.commit({
          offsets: partitions.map((p) => ({ topic, partition: p, offset: offset(p), leaderEpoch: 0 })),
        });
      const committed = async () =>
        (await consumer.listCommittedOffsets({ topics: [{ topic, partitions }] })).get(topic)?.map(Number);
      await commit((p) => next.get(p) ?? 0n);
      expect((await committed())?.reduce((sum, offset) => sum + offset, 0)).toBe(30);
      // Kafka stores any offset, even one past the end of the log.
      await commit((p) => (p === 0 ? 1000n : (next.get(p) ?? 0n)));
      expect((await committed())?.[0]).toBe(1000);

      const listed = await admin.listGroups({ states: ['STABLE'] });
      expect(listed.get(groupId)).toMatchObject({ id: groupId, state: 'STABLE', groupType: 'classic' });
      const described = await admin.describeGroups({ groups: [groupId] });
      expect(described.get(groupId)).toMatchObject({
        id: groupId,
        state: 'STABLE',
        protocolType: 'consumer',
      });
      expect(described.get(groupId)?.members.size).toBe(1);
    } finally {
      await consumer.close(true);
    }

    expect((await admin.listGroups({ states: ['EMPTY'] })).has(groupId)).toBe(true);
    await admin.deleteGroups({ groups: [groupId] });
    expect((await admin.listGroups()).has(groupId)).toBe(false);
  });
});
