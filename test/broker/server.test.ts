import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BrokerServer } from '../../src/broker/index.js';
import { encodeRecordBatch } from '../../src/log/index.js';
import { MemoryLog } from './helpers/memory-log.js';
import { startBroker } from './helpers/start-broker.js';
import { WireClient } from './helpers/wire-client.js';

let log: MemoryLog;
let broker: BrokerServer;
let client: WireClient;

beforeEach(async () => {
  log = new MemoryLog();
  await log.createTopic('orders', { partitions: 2 });
  broker = await startBroker(log);
  client = await WireClient.connect(broker.address.port);
});

afterEach(async () => {
  client.close();
  await broker.close();
});

function batch(values: string[], producer: { id: number; epoch: number; seq: number } | null = null): Buffer {
  return encodeRecordBatch(
    values.map((v) => ({ value: Buffer.from(v) })),
    producer ? { producerId: producer.id, producerEpoch: producer.epoch, baseSequence: producer.seq } : {},
  );
}

function produceBody(topic: string, partition: number, records: Buffer, acks = 1) {
  return {
    acks,
    timeoutMs: 1000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  };
}

function fetchBody(topic: string, partition: number, offset: number, maxWaitMs = 0, minBytes = 1) {
  return {
    maxWaitMs,
    minBytes,
    maxBytes: 1 << 20,
    topics: [{ topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] }],
  };
}

// biome-ignore lint/suspicious/noExplicitAny: decoded responses are checked by value, field by field
type Any = Record<string, any>;

describe('broker › server › ApiVersions', () => {
  it.each([0, 1, 2, 3, 4])('v%i lists every API with its versions', async (version) => {
    const res = await client.request<Any>(18, version, {
      clientSoftwareName: 'test',
      clientSoftwareVersion: '1',
    });
    expect(res.errorCode).toBe(0);
    const produce = res.apiKeys.find((k: Any) => k.apiKey === 0);
    // Listed from v0, as Kafka 4.0 does, so that librdkafka enables its codecs (KAFKA-18659).
    expect(produce).toEqual({ apiKey: 0, minVersion: 0, maxVersion: 11 });
    expect(res.apiKeys.map((k: Any) => k.apiKey)).toEqual([
      0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21, 22, 32, 33, 37, 42, 44, 47, 60, 61, 65,
      66,
    ]);
  });

  it('answers an unknown version with a v0 body carrying UNSUPPORTED_VERSION and the list', async () => {
    const frame = WireClient.frame(18, 0, {}, 77);
    frame.writeInt16BE(9, 6); // api_version 9
    const response = client.nextFrame();
    client.sendRaw(frame);
    const res = WireClient.decode<Any>(18, 0, await response, 77);
    expect(res.errorCode).toBe(35);
    expect(res.apiKeys.find((k: Any) => k.apiKey === 18)).toEqual({
      apiKey: 18,
      minVersion: 0,
      maxVersion: 4,
    });
  });
});

describe('broker › server › framing', () => {
  async function expectClosed(bytes: Buffer) {
    client.sendRaw(bytes);
    await client.closed;
    // The broker still serves others.
    const other = await WireClient.connect(broker.address.port);
    const res = await other.request<Any>(3, 1, { topics: null });
    expect(res.topics.map((t: Any) => t.name)).toEqual(['orders']);
    other.close();
  }

  it('closes a connection that sends a frame over socket.request.max.bytes', async () => {
    await broker.close();
    broker = await startBroker(log, { 'socket.request.max.bytes': 1000 });
    client = await WireClient.connect(broker.address.port);
    const size = Buffer.alloc(4);
    size.writeInt32BE(1001);
    await expectClosed(size);
  });

  it('closes a connection that sends a negative size', async () => {
    await expectClosed(Buffer.from([0xff, 0xff, 0xff, 0xf0]));
  });

  it('closes a connection that sends an unknown API key', async () => {
    const frame = WireClient.frame(18, 0, {}, 1);
    frame.writeInt16BE(999, 4);
    await expectClosed(frame);
  });

  it('closes a connection that sends a version the broker does not serve', async () => {
    const frame = WireClient.frame(3, 1, { topics: null }, 1);
    frame.writeInt16BE(99, 6);
    await expectClosed(frame);
  });

  it('closes a connection that sends Produce v0-v2, which ApiVersions lists but the broker does not serve', async () => {
    for (const version of [0, 1, 2]) {
      client.close();
      client = await WireClient.connect(broker.address.port);
      const frame = WireClient.frame(
        0,
        3,
        { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [] },
        1,
      );
      frame.writeInt16BE(version, 6);
      await expectClosed(frame);
    }
  });

  it('closes a connection whose request body is truncated', async () => {
    const frame = WireClient.frame(3, 1, { topics: [{ name: 'orders' }] }, 1);
    const cut = frame.subarray(0, frame.length - 3);
    cut.writeInt32BE(cut.length - 4, 0);
    await expectClosed(cut);
  });

  it('reassembles frames split across packets and answers several sent at once, in order', async () => {
    const frames = Buffer.concat([1, 2, 3].map((id) => WireClient.frame(18, 1, {}, id)));
    const responses = [client.nextFrame(), client.nextFrame(), client.nextFrame()];
    for (let i = 0; i < frames.length; i += 7) client.sendRaw(frames.subarray(i, i + 7));
    const ids = (await Promise.all(responses)).map((f) => f.readInt32BE(0));
    expect(ids).toEqual([1, 2, 3]);
  });
});

describe('broker › server › produce and fetch', () => {
  it('appends batches and serves them back byte for byte with offsets stamped', async () => {
    const records = batch(['a', 'b', 'c']);
    const res = await client.request<Any>(0, 7, produceBody('orders', 1, Buffer.from(records)));
    expect(res.responses[0].partitionResponses[0]).toMatchObject({ index: 1, errorCode: 0, baseOffset: 0 });
    await client.request(0, 7, produceBody('orders', 1, batch(['d'])));
    const fetched = await client.request<Any>(1, 11, fetchBody('orders', 1, 0));
    const p = fetched.responses[0].partitions[0];
    expect(p).toMatchObject({ errorCode: 0, highWatermark: 4, logStartOffset: 0 });
    expect(p.records.subarray(0, records.length).equals(records)).toBe(true);
    expect(Number(p.records.readBigInt64BE(records.length))).toBe(3);
  });

  it('answers an unknown partition and an out-of-range offset with their error codes', async () => {
    const bad = await client.request<Any>(0, 3, produceBody('orders', 5, batch(['x'])));
    expect(bad.responses[0].partitionResponses[0].errorCode).toBe(3);
    const range = await client.request<Any>(1, 4, fetchBody('orders', 0, 10));
    expect(range.responses[0].partitions[0].errorCode).toBe(1);
  });

  it('sends no response to acks=0 and answers the next request next', async () => {
    const none = WireClient.frame(0, 7, produceBody('orders', 0, batch(['q']), 0), 41);
    const meta = WireClient.frame(3, 1, { topics: null }, 42);
    const response = client.nextFrame();
    client.sendRaw(Buffer.concat([none, meta]));
    expect((await response).readInt32BE(0)).toBe(42);
    expect(log.offsets('orders', 0).highWatermark).toBe(1);
  });

  it('long-polls a fetch until data arrives from another connection', async () => {
    const started = Date.now();
    const polled = client.request<Any>(1, 11, fetchBody('orders', 0, 0, 5000));
    const producer = await WireClient.connect(broker.address.port);
    await new Promise((r) => setTimeout(r, 100));
    await producer.request(0, 7, produceBody('orders', 0, batch(['late'])));
    const res = await polled;
    expect(res.responses[0].partitions[0].records.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(3000);
    producer.close();
  });

  it('returns an empty fetch after max_wait_ms when nothing arrives', async () => {
    const started = Date.now();
    const res = await client.request<Any>(1, 11, fetchBody('orders', 0, 0, 200));
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(res.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 0 });
  });

  it('keeps responses in request order behind a long poll', async () => {
    const first = client.nextFrame();
    const second = client.nextFrame();
    client.sendRaw(WireClient.frame(1, 11, fetchBody('orders', 0, 0, 300), 1));
    client.sendRaw(WireClient.frame(18, 1, {}, 2));
    expect((await first).readInt32BE(0)).toBe(1);
    expect((await second).readInt32BE(0)).toBe(2);
  });

  it('drops a retried idempotent batch and answers with its first offset', async () => {
    const init = await client.request<Any>(22, 1, { transactionalId: null, transactionTimeoutMs: 1000 });
    expect(init.errorCode).toBe(0);
    const id = init.producerId;
    const first = batch(['one', 'two'], { id, epoch: 0, seq: 0 });
    const retry = Buffer.from(first);
    await client.request(0, 7, produceBody('orders', 0, first));
    const dup = await client.request<Any>(0, 7, produceBody('orders', 0, retry));
    expect(dup.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(log.offsets('orders', 0).highWatermark).toBe(2);
    const gap = await client.request<Any>(
      0,
      7,
      produceBody('orders', 0, batch(['x'], { id, epoch: 0, seq: 5 })),
    );
    expect(gap.responses[0].partitionResponses[0].errorCode).toBe(45);
    const next = await client.request<Any>(
      0,
      7,
      produceBody('orders', 0, batch(['three'], { id, epoch: 0, seq: 2 })),
    );
    expect(next.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 2 });
  });
});

describe('broker › server › metadata and admin', () => {
  it('describes one node leading every partition at the advertised address', async () => {
    await broker.close();
    broker = await startBroker(log, { advertisedListener: 'kafka.example:19092' });
    client = await WireClient.connect(broker.address.port);
    const res = await client.request<Any>(3, 5, { topics: [{ name: 'orders' }] });
    expect(res.brokers).toEqual([{ nodeId: 0, host: 'kafka.example', port: 19092, rack: null }]);
    expect(res.topics[0].partitions.map((p: Any) => [p.partitionIndex, p.leaderId, p.isrNodes])).toEqual([
      [0, 0, [0]],
      [1, 0, [0]],
    ]);
  });

  it('auto-creates a topic only when both the broker and the request allow it', async () => {
    const refused = await client.request<Any>(3, 4, {
      topics: [{ name: 'fresh' }],
      allowAutoTopicCreation: false,
    });
    expect(refused.topics[0].errorCode).toBe(3);
    const created = await client.request<Any>(3, 4, {
      topics: [{ name: 'fresh' }],
      allowAutoTopicCreation: true,
    });
    expect(created.topics[0]).toMatchObject({ errorCode: 0, name: 'fresh' });
    expect(log.hasTopic('fresh')).toBe(true);
  });

  it('creates, grows and deletes topics', async () => {
    const create = await client.request<Any>(19, 3, {
      topics: [
        { name: 'new', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'orders', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'wide', numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] },
      ],
      timeoutMs: 1000,
    });
    expect(create.topics.map((t: Any) => t.errorCode)).toEqual([0, 36, 38]);
    const grow = await client.request<Any>(37, 1, {
      topics: [{ name: 'new', count: 5, assignments: null }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(grow.results[0].errorCode).toBe(0);
    expect(log.describeTopic('new').partitions).toBe(5);
    const del = await client.request<Any>(20, 1, { topicNames: ['new', 'missing'], timeoutMs: 1000 });
    expect(del.responses.map((r: Any) => r.errorCode)).toEqual([0, 3]);
  });

  it('lists offsets: earliest, latest, and by time', async () => {
    await client.request(0, 7, produceBody('orders', 0, batch(['a', 'b'])));
    const res = await client.request<Any>(2, 1, {
      replicaId: -1,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, timestamp: -1 }] }],
    });
    expect(res.topics[0].partitions[0]).toMatchObject({ errorCode: 0, offset: 2 });
    const v0 = await client.request<Any>(2, 0, {
      replicaId: -1,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, timestamp: -2, maxNumOffsets: 1 }] }],
    });
    expect(v0.topics[0].partitions[0].oldStyleOffsets).toEqual([0]);
  });

  it('serves flexible versions: request header v2 with tags, compact fields, response header v1', async () => {
    const res = await client.request<Any>(3, 9, {
      topics: [{ name: 'orders' }],
      allowAutoTopicCreation: false,
    });
    expect(res.topics[0]).toMatchObject({ errorCode: 0, name: 'orders' });
    expect(res.topics[0].partitions).toHaveLength(2);
    const produced = await client.request<Any>(0, 9, produceBody('orders', 0, batch(['flex'])));
    expect(produced.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0 });
  });

  it('answers group APIs with COORDINATOR_NOT_AVAILABLE when it serves no groups', async () => {
    const res = await client.request<Any>(10, 1, { key: 'g', keyType: 0 });
    expect(res.errorCode).toBe(15);
  });
});
