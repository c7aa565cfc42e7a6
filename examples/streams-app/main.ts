// A Streams app on a real embedded log: lines go into a topic, the word count topology runs as a consumer group,
// keeps its counts in a store backed by a changelog topic, and is queried while it runs.
//   npx tsx examples/streams-app/main.ts [log-dir]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, Serdes, serdes, streams } from '../../src/index.js';
import { wordCount } from './word-count.js';

const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'sluice-streams-example-'));
const client = await connect({ log: { dir } });
try {
  await client.admin().createTopics([{ name: 'lines', partitions: 1 }]);
  const producer = client.producer({ valueSerde: serdes.string });
  await producer.send('lines', [{ value: 'the cat sat' }, { value: 'on the mat' }]);
  await producer.close();

  const app = streams(client, { applicationId: 'example-word-count', commitIntervalMs: 100 });
  await app.start(wordCount(app.stream<null, string>('lines', { value: Serdes.string })));
  const counts = app.store<string, number>('counts');
  // The app reads from the log in the background: wait until it has counted both lines (six words).
  const deadline = Date.now() + 60_000;
  while (counts.all().reduce((n, { value }) => n + value, 0) < 6) {
    if (Date.now() > deadline) throw new Error('the app did not count the lines within 60 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const word of ['the', 'cat', 'mat']) console.log(`${word} ${counts.get(word)}`);
  await app.close();
} finally {
  await client.close();
}
