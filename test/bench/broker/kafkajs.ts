import { Kafka, logLevel } from 'kafkajs';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

function client(bootstrap: string): Kafka {
  return new Kafka({ brokers: [bootstrap], clientId: 'bench', logLevel: logLevel.NOTHING });
}

/** kafkajs producer: `records` values in sends of `batch`, up to 4 in flight; wall time in ms. */
export async function kafkajsProduce(
  bootstrap: string,
  topic: string,
  records: number,
  valueSize: number,
  acks: number,
): Promise<number> {
  const producer = client(bootstrap).producer();
  await producer.connect();
  const value = Buffer.alloc(valueSize, 'x');
  const batch = 1000;
  const messages = Array.from({ length: batch }, () => ({ value, partition: 0 }));
  const start = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  for (let sent = 0; sent < records; sent += batch) {
    const p = producer.send({ topic, acks, messages }).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= 4) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const ms = performance.now() - start;
  await producer.disconnect();
  return ms;
}

/** kafkajs consumer (a group of one, eachBatch) reading `records` from the beginning; wall time in ms. */
export async function kafkajsConsume(bootstrap: string, topic: string, records: number): Promise<number> {
  const consumer = client(bootstrap).consumer({ groupId: `bench-${Date.now()}`, maxBytes: 16 << 20 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let start = 0;
  const ms = await new Promise<number>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (start === 0) start = performance.now();
        seen += batch.messages.length;
        if (seen >= records) resolve(performance.now() - start);
      },
    });
  });
  await consumer.disconnect();
  return ms;
}

/**
 * Produce latency with acks=all at a steady rate: a send of `perSend` records every millisecond (so
 * `perSend × 1000` records/s) for `seconds`; returns each send's round trip in ms.
 */
export async function kafkajsLatency(
  bootstrap: string,
  topic: string,
  perSend: number,
  seconds: number,
  valueSize: number,
): Promise<number[]> {
  const producer = client(bootstrap).producer();
  await producer.connect();
  const value = Buffer.alloc(valueSize, 'x');
  const messages = Array.from({ length: perSend }, () => ({ value, partition: 0 }));
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let tick = 0; tick < seconds * 1000; tick++) {
    const due = start + tick;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const sentAt = performance.now();
    pending.push(
      producer
        .send({ topic, acks: -1, messages })
        .then(() => void latencies.push(performance.now() - sentAt)),
    );
  }
  await Promise.all(pending);
  await producer.disconnect();
  return latencies;
}
