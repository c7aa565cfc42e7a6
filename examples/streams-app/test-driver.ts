// The same word count on the test driver: in memory, record by record, with no log — how a topology is unit-tested.
//   npx tsx examples/streams-app/test-driver.ts
import { Serdes, TopologyTestDriver } from '../../src/index.js';
import { wordCount } from './word-count.js';

const driver = new TopologyTestDriver({ applicationId: 'example-word-count' });
driver.start(wordCount(driver.stream<null, string>('lines', { value: Serdes.string })));

const lines = driver.input<null, string>('lines', { value: Serdes.string });
lines.pipeValue('the cat sat');
lines.pipeValue('on the mat');
const store = driver.store<string, number>('counts');
for (const word of ['the', 'cat', 'mat']) console.log(`${word} ${store.get(word)}`);
