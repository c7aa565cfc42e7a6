import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/broker/protocol/error-codes.js';
import { type HandBatchOptions, handBatch } from './helpers/hand-batch.js';
import { WireClient } from './helpers/wire-client.js';
import { type InteropBroker, startInteropBroker } from './interop/interop-broker.js';

let broker: InteropBroker;
let client: WireClient;

beforeAll(async () => {
  broker = await startInteropBroker();
  await broker.log.createTopic('v', { partitions: 1 });
  client = await WireClient.connect(broker.server.address.port);
});

afterAll(async () => {
  client?.close();
  await broker?.stop();
});

interface ProduceResponse {
  responses: {
    partitionResponses: { errorCode: number; baseOffset: number; errorMessage?: string | null }[];
  }[];
}

async function produce(records: Buffer) {
  const res = await client.request<ProduceResponse>(0, 8, {
    transactionalId: null,
    acks: 1,
    timeoutMs: 1000,
    topicData: [{ name: 'v', partitionData: [{ index: 0, records }] }],
  });
  return res.responses[0]!.partitionResponses[0]!;
}

const highWatermark = () => broker.log.offsets('v', 0).highWatermark;

describe('broker › produce › validation of batches with a valid CRC (LogValidator)', () => {
  it('accepts a sound hand-built batch and assigns the offsets itself', async () => {
    const before = highWatermark();
    const r = await produce(handBatch({ values: ['a', 'b', 'c'] }));
    expect(r.errorCode).toBe(0);
    expect(r.baseOffset).toBe(before);
    expect(highWatermark()).toBe(before + 3);
  });

  const refused: [string, HandBatchOptions, RegExp][] = [
    [
      'a last offset delta of 0x7FFFFFF0 for one record',
      { values: ['x'], lastOffsetDelta: 0x7fff_fff0 },
      /last offset delta/,
    ],
    [
      'a record count larger than the records',
      { values: ['x', 'y'], recordCount: 5, lastOffsetDelta: 4 },
      /claims 5 records but holds 2/,
    ],
    [
      'a record count smaller than the records',
      { values: ['x', 'y', 'z'], recordCount: 1, lastOffsetDelta: 0 },
      /follow the last/,
    ],
    ['a record count of 0', { values: [], recordCount: 0, lastOffsetDelta: -1 }, /record count 0/],
    ['offset deltas out of order', { values: ['x', 'y'], offsetDelta: (i) => 1 - i }, /offset delta/],
    [
      'a record length running past the batch',
      { values: ['x', 'y'], lengthSkew: (i) => (i === 1 ? 40 : 0) },
      /past the end/,
    ],
    [
      'a record length shorter than its fields',
      { values: ['xyz'], lengthSkew: () => -2 },
      /overruns the record|bytes long but its fields/,
    ],
    ['a control batch (a forged transaction marker)', { values: ['x'], attributes: 0x20 }, /control batches/],
  ];
  it.each(refused)(
    'refuses %s with INVALID_RECORD and leaves the partition as it was',
    async (_what, batch, reason) => {
      const before = highWatermark();
      const r = await produce(handBatch(batch));
      expect(r.errorCode).toBe(ERROR_CODES.INVALID_RECORD);
      expect(r.errorMessage).toMatch(reason);
      expect(highWatermark()).toBe(before);
      // The partition stays readable from the start: every stored batch decodes.
      const read = await broker.log.readRecords('v', 0, 0);
      expect(read.records.map((x) => x.value?.toString())).toEqual(['a', 'b', 'c']);
    },
  );

  it('refuses the whole request when its second batch is bad, appending neither', async () => {
    const before = highWatermark();
    const r = await produce(
      Buffer.concat([handBatch({ values: ['ok'] }), handBatch({ values: ['x'], lastOffsetDelta: 9 })]),
    );
    expect(r.errorCode).toBe(ERROR_CODES.INVALID_RECORD);
    expect(highWatermark()).toBe(before);
  });

  it('applies the same checks to Log.appendBatches', async () => {
    await expect(
      broker.log.appendBatches('v', 0, handBatch({ values: ['x'], lastOffsetDelta: 0x7fff_fff0 })),
    ).rejects.toMatchObject({ code: 'INVALID_RECORD' });
  });
});
