import { randomUUID } from 'node:crypto';
import { AckPolicy, connect, DeliverPolicy, StorageType } from 'nats';
import { batches, emptyTally, makeValues, type Subject, tally } from './workload.js';

/** The NATS server the benchmark expects (override with `NATS_URL`). */
const servers = process.env.NATS_URL ?? '127.0.0.1:4222';

/**
 * NATS JetStream with file storage, publishing asynchronously (a batch's publishes in flight at once) and reading
 * with a pull consumer. JetStream acknowledges once the message is in its store, which it fsyncs only every
 * two minutes by default (`sync_interval`), so its appends are comparable to sluice's without fsync.
 */
export const jetstream: Subject = {
  name: 'NATS JetStream',
  note: 'file store; fsyncs every 2 min by default',
  async open(_dir, w) {
    const nc = await connect({ servers });
    const jsm = await nc.jetstreamManager();
    const js = nc.jetstream();
    const stream = `bench_${randomUUID().replaceAll('-', '')}`;
    await jsm.streams.add({ name: stream, subjects: [stream], storage: StorageType.File });
    return {
      async append() {
        const values = makeValues(w);
        for (let b = 0; b < batches(w); b++) {
          await Promise.all(values.map((v) => js.publish(stream, v)));
        }
        return 0;
      },
      async read() {
        const t = emptyTally();
        // A pull consumer without acks: the cheapest way JetStream offers to read a stream from its start.
        await jsm.consumers.add(stream, {
          durable_name: 'reader',
          ack_policy: AckPolicy.None,
          deliver_policy: DeliverPolicy.All,
        });
        const consumer = await js.consumers.get(stream, 'reader');
        const messages = await consumer.consume({ max_messages: w.batchSize * 4 });
        for await (const m of messages) {
          tally(t, m.seq - 1, Math.floor(m.info.timestampNanos / 1e6), m.data);
          if (t.records >= w.records) break; // leaving the loop stops the consumer
        }
        return t;
      },
      async close() {
        await jsm.streams.delete(stream).catch(() => undefined);
        await nc.close();
      },
    };
  },
};
