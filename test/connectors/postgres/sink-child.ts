// Runs a PostgreSQL sink task over an in-memory topic of `total` records ({id: i, v: ...} at offset i), the way the
// runtime would: open (which may seek), then put batches from the current position until the end. Prints
// `put <next offset>` after each batch so the parent can kill it mid-stream. Used by restarts.test.ts.
import { sinkConfig } from '../../../connectors/postgres/config.js';
import { PostgresSinkTask } from '../../../connectors/postgres/sink.js';
import { SinkHarness, sinkRecords } from './harness.js';

const [url, topic, totalText, batchText] = process.argv.slice(2);
const total = Number(totalText);
const batch = Number(batchText);
const harness = new SinkHarness([{ topic: topic!, partition: 0 }], 'crash-test');
const task = new PostgresSinkTask();
await task.start(sinkConfig.parse({ 'connection.url': url, 'auto.create': true }), harness.context);
await task.open?.(harness.partitions);
process.stdout.write(`start ${harness.position(topic!)}\n`);
for (let at = harness.position(topic!); at < total; at = harness.position(topic!)) {
  const values = Array.from({ length: Math.min(batch, total - at) }, (_, i) => ({
    value: { id: at + i, v: `row ${at + i}`, pad: 'x'.repeat(200) },
  }));
  await task.put(sinkRecords(topic!, values, at));
  harness.positions.set(`${topic}:0`, at + values.length);
  process.stdout.write(`put ${at + values.length}\n`);
}
await task.flush([]);
await task.stop();
process.stdout.write('done\n');
