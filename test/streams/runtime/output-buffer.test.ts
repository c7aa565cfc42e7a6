import { describe, expect, it } from 'vitest';
import { OutputBuffer } from '../../../src/streams/runtime/output-buffer.js';

/** A producer whose sends are acknowledged (or failed) when the test says so, in any order. */
function controlledProducer() {
  const sends: { topic: string; count: number; ack: () => void; fail: (error: Error) => void }[] = [];
  return {
    sends,
    sendBatch(topic: string, records: unknown[]): Promise<void> {
      return new Promise((resolve, reject) => {
        sends.push({ topic, count: records.length, ack: () => resolve(), fail: reject });
      });
    },
  };
}

const record = { key: null, value: Buffer.from('x'), headers: [], timestamp: 0 };

/** Settles what is settled: a few turns of the microtask queue. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function fill(buffer: OutputBuffer, n: number): void {
  for (let i = 0; i < n; i++) buffer.add('out', record);
}

describe('streams › runtime › output buffer', () => {
  it('waits for the oldest sends only, leaving the newer ones in flight', async () => {
    const producer = controlledProducer();
    const buffer = new OutputBuffer(producer);
    for (let i = 0; i < 3; i++) {
      fill(buffer, 4);
      buffer.send();
    }
    fill(buffer, 4);
    let done = false;
    const waiting = buffer.below(10).then(() => {
      done = true;
    });
    await settle();
    expect(producer.sends.map((s) => s.count)).toEqual([4, 4, 4, 4]);
    expect(done).toBe(false);
    producer.sends[0].ack();
    await settle();
    expect(done).toBe(false); // 12 unacknowledged
    producer.sends[1].ack();
    await waiting;
    expect(buffer.size).toBe(8); // the two newest sends are still in flight
  });

  it('rejects with the failure of a send it waited for', async () => {
    const producer = controlledProducer();
    const buffer = new OutputBuffer(producer);
    fill(buffer, 5);
    const waiting = buffer.below(5);
    await settle();
    producer.sends[0].fail(new Error('disk full'));
    await expect(waiting).rejects.toThrow('disk full');
  });

  it('a flush during the wait still waits for every send, including the one being waited for', async () => {
    const producer = controlledProducer();
    const buffer = new OutputBuffer(producer);
    fill(buffer, 5);
    buffer.send();
    fill(buffer, 5);
    const waiting = buffer.below(6);
    await settle();
    let flushed = false;
    const flushing = buffer.flush().then(() => {
      flushed = true;
    });
    producer.sends[1].ack();
    await settle();
    expect(flushed).toBe(false); // the oldest send is not acknowledged yet
    producer.sends[0].ack();
    await Promise.all([waiting, flushing]);
    expect(buffer.size).toBe(0);
  });
});
