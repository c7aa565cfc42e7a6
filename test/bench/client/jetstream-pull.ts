import { randomUUID } from 'node:crypto';
import { AckPolicy, connect, StorageType } from 'nats';
import { type Result, timed, value, type Workload } from './workload.js';

/** The NATS server the benchmark expects (override with `NATS_URL`). */
const servers = process.env.NATS_URL ?? '127.0.0.1:4222';

/**
 * NATS JetStream end to end: a file-stored stream, a publisher with a chunk of publishes in flight at a time, and a
 * durable pull consumer that acknowledges cumulatively (AckPolicy.All) once per chunk, like a consumer group
 * committing offsets. Publisher and consumer run at once; timed to the last message read.
 */
export async function jetstreamPull(w: Workload): Promise<Result> {
  const nc = await connect({ servers });
  const jsm = await nc.jetstreamManager();
  const js = nc.jetstream();
  const stream = `bench_${randomUUID().replaceAll('-', '')}`;
  await jsm.streams.add({ name: stream, subjects: [stream], storage: StorageType.File });
  // max_ack_pending above a pull's size: at the default (1000) a pull of 4000 stalls until acks catch up.
  await jsm.consumers.add(stream, {
    durable_name: 'bench',
    ack_policy: AckPolicy.All,
    max_ack_pending: w.chunk * 16,
  });
  try {
    const payload = value(w);
    const { ms, result } = await timed(async () => {
      const consumer = await js.consumers.get(stream, 'bench');
      const messages = await consumer.consume({ max_messages: w.chunk * 4 });
      const reading = (async () => {
        let n = 0;
        for await (const m of messages) {
          if (++n % w.chunk === 0 || n === w.records) m.ack();
          // Leaving the loop stops the pull subscription.
          if (n >= w.records) break;
        }
        return n;
      })();
      for (let i = 0; i < w.records / w.chunk; i++) {
        await Promise.all(Array.from({ length: w.chunk }, () => js.publish(stream, payload)));
      }
      return reading;
    });
    return {
      case: 'end to end, 1 consumer',
      subject: 'NATS JetStream',
      records: result,
      ms,
      note: 'file store, durable pull consumer, ack per chunk',
    };
  } finally {
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
  }
}
