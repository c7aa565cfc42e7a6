// Produce JSON records to a topic on an embedded log, then read them back with a consumer group.
//   npx tsx examples/produce-consume/main.ts [log-dir]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, serdes } from '../../src/index.js';

interface Greeting {
  to: string;
  text: string;
}

const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'sluice-example-'));
const client = await connect({ log: { dir } });
try {
  const producer = client.producer({ keySerde: serdes.string, valueSerde: serdes.json<Greeting>() });
  await producer.send('greetings', [
    { key: 'ada', value: { to: 'Ada', text: 'hello' } },
    { key: 'bob', value: { to: 'Bob', text: 'hi' } },
  ]);

  const consumer = client.consumer({
    groupId: 'example',
    'auto.offset.reset': 'earliest',
    keySerde: serdes.string,
    valueSerde: serdes.json<Greeting>(),
  });
  await consumer.subscribe('greetings');
  let seen = 0;
  for await (const batch of consumer) {
    for (const r of batch.records) console.log(`${r.key}: ${r.value?.text} ${r.value?.to}`);
    seen += batch.records.length;
    if (seen >= 2) break;
  }
  await consumer.close();
} finally {
  await client.close();
}
