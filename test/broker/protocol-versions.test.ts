import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../src/log/index.js';
import { WireClient } from './helpers/wire-client.js';
import { type InteropBroker, startInteropBroker } from './interop/interop-broker.js';

// biome-ignore lint/suspicious/noExplicitAny: decoded responses are checked by value, field by field
type Any = Record<string, any>;

let broker: InteropBroker;
let client: WireClient;

beforeAll(async () => {
  broker = await startInteropBroker();
  client = await WireClient.connect(Number(broker.bootstrap.split(':')[1]));
});

afterAll(async () => {
  client?.close();
  await broker?.stop();
});

const name = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

async function topicWith(partitions: number): Promise<string> {
  const topic = name('t');
  await broker.log.createTopic(topic, { partitions });
  return topic;
}

function produce(version: number, topic: string, partition: number, records: Buffer) {
  return client.request<Any>(0, version, {
    acks: -1,
    timeoutMs: 1000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  });
}

const batch = (values: string[], timestamps?: number[]) =>
  encodeRecordBatch(values.map((v, i) => ({ value: Buffer.from(v), timestamp: timestamps?.[i] })));

/** Kafka 3.9's version range of every API the broker serves (clients/src/main/resources/common/message). */
const KAFKA_3_9: Record<number, [number, number]> = {
  0: [0, 11], // Produce
  1: [0, 17], // Fetch
  2: [0, 9], // ListOffsets
  3: [0, 12], // Metadata
  8: [0, 9], // OffsetCommit
  9: [0, 9], // OffsetFetch
  10: [0, 5], // FindCoordinator
  11: [0, 9], // JoinGroup
  12: [0, 4], // Heartbeat
  13: [0, 5], // LeaveGroup
  14: [0, 5], // SyncGroup
  15: [0, 5], // DescribeGroups
  16: [0, 5], // ListGroups
  18: [0, 4], // ApiVersions
  19: [0, 7], // CreateTopics
  20: [0, 6], // DeleteTopics
  21: [0, 2], // DeleteRecords
  22: [0, 5], // InitProducerId
  32: [0, 4], // DescribeConfigs
  33: [0, 2], // AlterConfigs
  37: [0, 3], // CreatePartitions
  42: [0, 2], // DeleteGroups
  44: [0, 1], // IncrementalAlterConfigs
  47: [0, 0], // OffsetDelete
  60: [0, 1], // DescribeCluster
  61: [0, 0], // DescribeProducers
  65: [0, 0], // DescribeTransactions
  66: [0, 1], // ListTransactions
};

describe('broker › protocol versions', () => {
  it('ApiVersions v4 lists the ranges Kafka 3.9 serves', async () => {
    const res = await client.request<Any>(18, 4, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
    expect(res.errorCode).toBe(0);
    const listed = Object.fromEntries(res.apiKeys.map((k: Any) => [k.apiKey, [k.minVersion, k.maxVersion]]));
    expect(listed).toEqual(KAFKA_3_9);
  });

  it('refuses Produce v0–2 and Fetch v0–3 on every partition with UNSUPPORTED_VERSION, and keeps serving', async () => {
    const topic = await topicWith(1);
    const produced = await produce(2, topic, 0, batch(['old']));
    expect(produced.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 35, baseOffset: -1 });
    const fetched = await client.request<Any>(1, 3, {
      maxWaitMs: 0,
      minBytes: 1,
      topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }],
    });
    expect(fetched.responses[0].partitions[0]).toMatchObject({ partitionIndex: 0, errorCode: 35 });
    expect(broker.log.offsets(topic, 0).highWatermark).toBe(0);
    expect((await produce(11, topic, 0, batch(['new']))).responses[0].partitionResponses[0].errorCode).toBe(
      0,
    );
  });

  it('FindCoordinator v4+ answers each key; a transactional id is refused with a non-retriable error', async () => {
    const groups = await client.request<Any>(10, 5, { keyType: 0, coordinatorKeys: ['a', 'b'] });
    expect(groups.coordinators.map((c: Any) => [c.key, c.errorCode, c.nodeId])).toEqual([
      ['a', 0, 0],
      ['b', 0, 0],
    ]);
    const txn = await client.request<Any>(10, 4, { keyType: 1, coordinatorKeys: ['tx'] });
    expect(txn.coordinators[0]).toMatchObject({ key: 'tx', errorCode: 53 });
    expect(txn.coordinators[0].errorMessage).toMatch(/transactions are not served/);
  });

  it('Metadata v12 and Fetch v17 name topics by id; an unknown id is UNKNOWN_TOPIC_ID', async () => {
    const topic = await topicWith(1);
    await produce(9, topic, 0, batch(['a', 'b']));
    const byName = await client.request<Any>(3, 12, {
      topics: [{ name: topic }],
      allowAutoTopicCreation: false,
    });
    const { topicId } = byName.topics[0];
    expect(topicId.equals(Buffer.alloc(16))).toBe(false);
    const byId = await client.request<Any>(3, 12, { topics: [{ topicId, name: null }] });
    expect(byId.topics[0]).toMatchObject({ errorCode: 0, name: topic });
    const unknownId = Buffer.alloc(16, 7);
    const unknown = await client.request<Any>(3, 12, { topics: [{ topicId: unknownId, name: null }] });
    expect(unknown.topics[0]).toMatchObject({ errorCode: 100, name: null });

    const fetched = await client.request<Any>(1, 17, {
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1 << 20,
      topics: [
        { topicId, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] },
        { topicId: unknownId, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] },
      ],
    });
    expect(fetched.responses[0].topicId.equals(topicId)).toBe(true);
    expect(fetched.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 2 });
    expect(fetched.responses[0].partitions[0].records.length).toBeGreaterThan(0);
    expect(fetched.responses[1].partitions[0].errorCode).toBe(100);

    const deleted = await client.request<Any>(20, 6, { topics: [{ name: null, topicId }], timeoutMs: 1000 });
    expect(deleted.responses[0]).toMatchObject({ name: topic, errorCode: 0 });
    expect(broker.log.hasTopic(topic)).toBe(false);
  });

  it('Fetch keeps within max_bytes: only the first partition with data may exceed it, by one batch', async () => {
    const topic = await topicWith(3);
    const big = batch(['x'.repeat(1500)]);
    for (const p of [0, 1, 2]) await produce(9, topic, p, big);
    const request = (maxBytes: number) =>
      client.request<Any>(1, 12, {
        maxWaitMs: 0,
        minBytes: 1,
        maxBytes,
        topics: [
          {
            topic,
            partitions: [0, 1, 2].map((partition) => ({
              partition,
              fetchOffset: 0,
              partitionMaxBytes: 1 << 20,
            })),
          },
        ],
      });
    const sizes = async (maxBytes: number) =>
      (await request(maxBytes)).responses[0].partitions.map((p: Any) => p.records.length);
    const one = big.length;
    // A first batch larger than the limit still comes whole, so that the consumer can progress.
    expect(await sizes(100)).toEqual([one, 0, 0]);
    expect(await sizes(2 * one + 10)).toEqual([one, one, 0]);
    expect(await sizes(3 * one)).toEqual([one, one, one]);
  });

  it('ListOffsets v7+ finds the record with the largest timestamp (-3)', async () => {
    const topic = await topicWith(1);
    const t = 1_700_000_000_000;
    await produce(9, topic, 0, batch(['a', 'b', 'c'], [t, t + 5000, t + 10]));
    await produce(9, topic, 0, batch(['d', 'e'], [t + 20, t + 30]));
    const res = await client.request<Any>(2, 9, {
      topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -3 }] }],
    });
    expect(res.topics[0].partitions[0]).toMatchObject({ errorCode: 0, offset: 1, timestamp: t + 5000 });
  });

  it('OffsetCommit stores an offset past the log end; OffsetFetch v8+ answers several groups', async () => {
    const topic = await topicWith(1);
    const [g1, g2] = [name('g'), name('g')];
    for (const [groupId, offset] of [
      [g1, 1000],
      [g2, 0],
    ] as const) {
      const committed = await client.request<Any>(8, 9, {
        groupId,
        generationId: -1,
        memberId: '',
        topics: [
          {
            name: topic,
            partitions: [{ partitionIndex: 0, committedOffset: offset, committedMetadata: '' }],
          },
        ],
      });
      expect(committed.topics[0].partitions[0].errorCode).toBe(0);
    }
    const fetched = await client.request<Any>(9, 9, {
      groups: [
        { groupId: g1, topics: [{ name: topic, partitionIndexes: [0] }] },
        { groupId: g2, topics: null },
      ],
    });
    expect(
      fetched.groups.map((g: Any) => [g.groupId, g.errorCode, g.topics[0].partitions[0].committedOffset]),
    ).toEqual([
      [g1, 0, 1000],
      [g2, 0, 0],
    ]);

    const listed = async (statesFilter: string[], typesFilter: string[]) =>
      (await client.request<Any>(16, 5, { statesFilter, typesFilter })).groups
        .filter((g: Any) => g.groupId === g1)
        .map((g: Any) => [g.groupState, g.groupType]);
    expect(await listed([], [])).toEqual([['Empty', 'classic']]);
    expect(await listed(['empty'], ['Classic'])).toEqual([['Empty', 'classic']]);
    expect(await listed(['Stable'], [])).toEqual([]);
    expect(await listed([], ['consumer'])).toEqual([]);

    const deleted = await client.request<Any>(47, 0, {
      groupId: g1,
      topics: [{ name: topic, partitions: [{ partitionIndex: 0 }] }],
    });
    expect(deleted).toMatchObject({
      errorCode: 0,
      topics: [{ name: topic, partitions: [{ errorCode: 0 }] }],
    });
    const after = await client.request<Any>(9, 8, {
      groups: [{ groupId: g1, topics: [{ name: topic, partitionIndexes: [0] }] }],
    });
    expect(after.groups[0].topics[0].partitions[0].committedOffset).toBe(-1);
  });

  it('reports authorized operations when asked, and the producers a partition has seen', async () => {
    const topic = await topicWith(1);
    const READ = 1 << 3;
    const IDEMPOTENT_WRITE = 1 << 12;
    const meta = await client.request<Any>(3, 8, {
      topics: [{ name: topic }],
      includeClusterAuthorizedOperations: true,
      includeTopicAuthorizedOperations: true,
    });
    expect(meta.topics[0].topicAuthorizedOperations & READ).toBe(READ);
    expect(meta.clusterAuthorizedOperations & IDEMPOTENT_WRITE).toBe(IDEMPOTENT_WRITE);
    const notAsked = await client.request<Any>(3, 12, { topics: [{ name: topic }] });
    expect(notAsked.topics[0].topicAuthorizedOperations).toBe(-2147483648);
    const cluster = await client.request<Any>(60, 1, { includeClusterAuthorizedOperations: true });
    expect(cluster.clusterAuthorizedOperations & IDEMPOTENT_WRITE).toBe(IDEMPOTENT_WRITE);

    const idempotent = encodeRecordBatch([{ value: Buffer.from('once') }, { value: Buffer.from('twice') }], {
      producerId: 4242,
      producerEpoch: 3,
      baseSequence: 0,
    });
    expect((await produce(11, topic, 0, idempotent)).responses[0].partitionResponses[0].errorCode).toBe(0);
    const producers = await client.request<Any>(61, 0, {
      topics: [{ name: topic, partitionIndexes: [0, 9] }],
    });
    const [p0, p9] = producers.topics[0].partitions;
    expect(p0).toMatchObject({
      errorCode: 0,
      activeProducers: [{ producerId: 4242, producerEpoch: 3, lastSequence: 1 }],
    });
    expect(p9.errorCode).toBe(3);
  });

  it('IncrementalAlterConfigs sets, appends to and deletes only the keys named', async () => {
    const topic = await topicWith(1);
    const alter = (configs: { name: string; configOperation: number; value: string | null }[]) =>
      client.request<Any>(44, 1, { resources: [{ resourceType: 2, resourceName: topic, configs }] });
    expect(
      (await alter([{ name: 'retention.ms', configOperation: 0, value: '60000' }])).responses[0].errorCode,
    ).toBe(0);
    expect(
      (await alter([{ name: 'cleanup.policy', configOperation: 2, value: 'compact' }])).responses[0]
        .errorCode,
    ).toBe(0);
    expect(broker.log.describeTopic(topic).config).toMatchObject({
      'retention.ms': 60000,
      'cleanup.policy': 'compact,delete',
    });
    const refused = await alter([{ name: 'retention.ms', configOperation: 2, value: '1' }]);
    expect(refused.responses[0]).toMatchObject({ errorCode: 40 });
    expect(refused.responses[0].errorMessage).toMatch(/retention.ms is not a list setting/);
    await alter([{ name: 'retention.ms', configOperation: 1, value: null }]);
    expect(broker.log.describeTopic(topic).config['retention.ms']).toBe(604_800_000);
  });
});
