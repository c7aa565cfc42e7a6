// A custom source connector, written against the Connect contracts and run by a Worker on an embedded log. It
// emits the numbers from `from` to `to` and records how far it got, so a second run with a larger `to` resumes
// where the first stopped instead of starting over.
//   npx tsx examples/custom-connector/main.ts [log-dir]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  type ConnectSourceRecord,
  connect,
  defineSourceConnector,
  EndOfInputError,
  field,
  parseWorkerConfig,
  type SourceTask,
  type SourceTaskContext,
  serdes,
  Worker,
} from '../../src/index.js';

const config = z.strictObject({
  topic: field.string('The topic to write the numbers to'),
  from: field.int(1, 'The first number'),
  to: field.requiredInt('The last number'),
  'batch.size': field.int(10, 'Numbers per poll', 1),
});
type NumbersConfig = z.output<typeof config>;

/** One task: polls a batch at a time, each record carrying the offset to resume after it. */
class NumbersTask implements SourceTask<NumbersConfig> {
  private static readonly partition = { sequence: 'numbers' };
  private next = 0;
  private config!: NumbersConfig;

  async start(c: NumbersConfig, context: SourceTaskContext): Promise<void> {
    this.config = c;
    const committed = await context.offsetReader.offset(NumbersTask.partition);
    this.next = committed ? Number(committed.last) + 1 : c.from;
  }

  async poll(): Promise<ConnectSourceRecord[]> {
    // A bounded input says so once it has handed out everything: the task ends as FINISHED.
    if (this.next > this.config.to) throw new EndOfInputError('every number was written');
    const end = Math.min(this.next + this.config['batch.size'] - 1, this.config.to);
    const records: ConnectSourceRecord[] = [];
    for (let n = this.next; n <= end; n++) {
      records.push({
        topic: this.config.topic,
        key: String(n),
        value: { n, square: n * n },
        sourcePartition: NumbersTask.partition,
        sourceOffset: { last: n },
      });
    }
    this.next = end + 1;
    return records;
  }

  async stop(): Promise<void> {}
}

const numbersSource = defineSourceConnector({
  name: 'numbers',
  kind: 'source',
  version: '1.0.0',
  description: 'The numbers from `from` to `to`, with their squares',
  config,
  taskConfigs: (c) => [c],
  createTask: () => new NumbersTask(),
});

const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'sluice-connector-example-'));
const client = await connect({ log: { dir } });
try {
  for (const to of [5, 8]) {
    const worker = await Worker.start({
      client,
      plugins: [numbersSource],
      config: parseWorkerConfig({ 'rest.enable': false, 'value.converter.schemas.enable': false }),
    });
    await worker.create({ name: 'numbers', 'connector.class': 'numbers', topic: 'numbers', to });
    await worker.finished('numbers');
    console.log(`run up to ${to}: ${worker.status('numbers').tasks[0]?.state}`);
    await worker.close();
  }

  // Read the topic back: 1 to 5 from the first run, 6 to 8 from the second, each once.
  const consumer = client.consumer({
    groupId: 'example-reader',
    'auto.offset.reset': 'earliest',
    valueSerde: serdes.json<{ n: number; square: number }>(),
  });
  await consumer.subscribe('numbers');
  const seen: string[] = [];
  for await (const batch of consumer) {
    for (const r of batch.records) seen.push(`${r.value?.n}²=${r.value?.square}`);
    if (seen.length >= 8) break;
  }
  await consumer.close();
  console.log(seen.join(' '));
} finally {
  await client.close();
}
