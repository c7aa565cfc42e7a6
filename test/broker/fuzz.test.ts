import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../src/log/index.js';
import { WireClient } from './helpers/wire-client.js';
import { type InteropBroker, startInteropBroker } from './interop/interop-broker.js';

const FRAMES = 3000;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

/** xorshift32: reproducible from SEED, which a failure prints. */
function prng(seed: number) {
  let x = seed || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

const batch = (value: string) => encodeRecordBatch([{ key: Buffer.from('k'), value: Buffer.from(value) }]);

/** Well-formed requests to mutate. None deletes or alters the topic whose bytes are checked afterwards. */
function seeds(): Buffer[] {
  const fetch = {
    maxWaitMs: 50,
    minBytes: 1,
    maxBytes: 1 << 20,
    topics: [
      { topic: 'checked', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] },
    ],
  };
  const produce = {
    acks: 1,
    timeoutMs: 1000,
    topicData: [{ name: 'scratch', partitionData: [{ index: 0, records: batch('fuzz') }] }],
  };
  return [
    WireClient.frame(18, 3, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' }, 1),
    WireClient.frame(18, 0, {}, 2),
    WireClient.frame(3, 1, { topics: [{ name: 'checked' }] }, 3),
    WireClient.frame(3, 4, { topics: null, allowAutoTopicCreation: false }, 4),
    WireClient.frame(0, 7, produce, 5),
    WireClient.frame(1, 11, fetch, 6),
    WireClient.frame(1, 4, fetch, 7),
    WireClient.frame(
      2,
      1,
      { replicaId: -1, topics: [{ name: 'checked', partitions: [{ partitionIndex: 0, timestamp: -1 }] }] },
      8,
    ),
    WireClient.frame(10, 1, { key: 'g', keyType: 0 }, 9),
    WireClient.frame(16, 1, {}, 10),
    WireClient.frame(
      32,
      1,
      { resources: [{ resourceType: 2, resourceName: 'checked', configurationKeys: null }] },
      11,
    ),
  ];
}

function mutate(rng: ReturnType<typeof prng>, seed: Buffer): Buffer {
  const out = Buffer.from(seed);
  switch (rng.int(5)) {
    case 0: // flip bits
      for (let i = 0, n = 1 + rng.int(8); i < n; i++) out[rng.int(out.length)] ^= 1 << rng.int(8);
      return out;
    case 1: {
      // truncate, keeping or fixing the size prefix
      const cut = out.subarray(0, 4 + rng.int(out.length - 4));
      if (rng.int(2) === 0) cut.writeInt32BE(cut.length - 4, 0);
      return cut;
    }
    case 2: // overwrite a random int16 in the header or body (api key, version, lengths)
      out.writeInt16BE(rng.int(65536) - 32768, 4 + rng.int(Math.max(1, out.length - 6)));
      return out;
    case 3: {
      // pure garbage with a plausible size
      const body = Buffer.alloc(rng.int(200));
      for (let i = 0; i < body.length; i++) body[i] = rng.int(256);
      const size = Buffer.alloc(4);
      size.writeInt32BE(rng.int(4) === 0 ? rng.int(2 ** 31) : body.length);
      return Buffer.concat([size, body]);
    }
    default: // a valid frame followed by garbage
      return Buffer.concat([out, Buffer.from([rng.int(256), rng.int(256), rng.int(256)])]);
  }
}

function blast(port: number, frames: Buffer[]): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      for (const f of frames) socket.write(f);
      setTimeout(() => socket.destroy(), 20);
    });
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => resolve());
  });
}

let broker: InteropBroker;

beforeAll(async () => {
  broker = await startInteropBroker();
  await broker.log.createTopic('checked', { partitions: 1 });
  await broker.log.createTopic('scratch', { partitions: 1 });
});

afterAll(async () => {
  await broker?.stop();
});

describe('broker › fuzz', () => {
  it(`survives ${FRAMES} random and mutated frames (seed ${SEED})`, async () => {
    const rng = prng(SEED);
    const checked = [batch('one'), batch('two'), batch('three')];
    for (const b of checked) await broker.log.appendBatches('checked', 0, Buffer.from(b), { acks: 1 });
    const before = (await broker.log.read('checked', 0, 0, { maxBytes: 1 << 20 })).records;

    const corpus = seeds();
    const probe = await WireClient.connect(broker.server.address.port);
    for (let sent = 0; sent < FRAMES; ) {
      const n = 1 + rng.int(5);
      const frames = Array.from({ length: n }, () => mutate(rng, corpus[rng.int(corpus.length)]));
      await blast(broker.server.address.port, frames);
      sent += n;
      if (sent % 50 < n) {
        const res = await probe.request<{ topics: { name: string; errorCode: number }[] }>(3, 1, {
          topics: [{ name: 'checked' }],
        });
        expect(res.topics[0]).toMatchObject({ name: 'checked', errorCode: 0 });
      }
    }
    probe.close();

    const after = (await broker.log.read('checked', 0, 0, { maxBytes: 1 << 20 })).records;
    expect(after.equals(before)).toBe(true);
    expect(broker.log.offsets('checked', 0).highWatermark).toBe(3);
    await broker.verify();
  });
});
