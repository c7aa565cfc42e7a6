import { embeddedClient } from '../../../src/client/embedded/index.js';
import { Log } from '../../../src/log/index.js';
import { type Result, timed, value, type Workload } from './workload.js';

/**
 * Producer → log → consumer group in one process: `consumers` members of one group read while one producer sends,
 * each `send` of `chunk` records awaited with up to 8 in flight. Timed from the first send to the last record read.
 */
export async function endToEnd(dir: string, w: Workload, consumers: number): Promise<Result> {
  const log = await Log.open({ dir });
  const client = embeddedClient(log);
  try {
    await client.admin().createTopics([{ name: 'e2e', partitions: w.partitions }]);
    let seen = 0;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const members = Array.from({ length: consumers }, () =>
      client.consumer({ groupId: 'bench', 'auto.offset.reset': 'earliest' }),
    );
    for (const m of members) {
      await m.subscribe('e2e');
      await m.run({
        eachBatch: async ({ batch }) => {
          seen += batch.records.length;
          if (seen >= w.records) done();
        },
      });
    }
    const producer = client.producer({ 'batch.size': 256 * 1024 });
    const messages = Array.from({ length: w.chunk }, () => ({ value: value(w) }));
    const { ms } = await timed(async () => {
      const inFlight: Promise<unknown>[] = [];
      for (let i = 0; i < w.records / w.chunk; i++) {
        inFlight.push(producer.send('e2e', messages));
        if (inFlight.length >= 8) await inFlight.shift();
      }
      await Promise.all(inFlight);
      await finished;
    });
    return {
      case: `end to end, ${consumers} consumer${consumers === 1 ? '' : 's'}`,
      subject: 'sluice embedded',
      records: seen,
      ms,
      note: 'acks=1, batch.size 256 KiB, linger 5 ms, auto-commit',
    };
  } finally {
    await client.close();
    await log.close();
  }
}
