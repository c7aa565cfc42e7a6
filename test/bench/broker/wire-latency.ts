import { encodeRecordBatch } from '../../../src/log/index.js';
import { WireClient } from '../../broker/helpers/wire-client.js';

/**
 * Produce latency with acks=all at a steady rate, from a bare protocol client with pre-encoded batches: what the
 * broker and the log cost, without a JavaScript client's encoding in the way. One request of `perSend` records
 * every millisecond for `seconds`; returns each request's round trip in ms.
 */
export async function wireLatency(
  port: number,
  topic: string,
  perSend: number,
  seconds: number,
  valueSize: number,
): Promise<number[]> {
  const client = await WireClient.connect(port);
  const value = Buffer.alloc(valueSize, 'x');
  const records = encodeRecordBatch(Array.from({ length: perSend }, () => ({ value })));
  const body = (batch: Buffer) => ({
    acks: -1,
    timeoutMs: 30_000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }],
  });
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let tick = 0; tick < seconds * 1000; tick++) {
    const wait = start + tick - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const sentAt = performance.now();
    pending.push(
      client
        .request(0, 7, body(Buffer.from(records)))
        .then(() => void latencies.push(performance.now() - sentAt)),
    );
  }
  await Promise.all(pending);
  client.close();
  return latencies;
}
