// A Streams topology — word count with a queryable state store — driven by the test driver, which runs it in
// memory, record by record, exactly as an app on the log would process it.
//   npx tsx examples/streams-app/main.ts
import {
  countByKey,
  filterBy,
  flatMapValues,
  groupRecordsBy,
  Serdes,
  TopologyTestDriver,
  to,
  toStream,
} from '../../src/index.js';

const driver = new TopologyTestDriver({ applicationId: 'example-word-count' });
driver.start(
  driver.stream<null, string>('lines', { value: Serdes.string }).pipe(
    flatMapValues((line) => line.toLowerCase().split(/\W+/)),
    filterBy((_, word) => word.length > 0),
    groupRecordsBy((_, word) => word, { name: 'words' }),
    countByKey({ store: 'counts', keySerde: Serdes.string }),
    toStream(),
    to('word-counts', { key: Serdes.string, value: Serdes.long }),
  ),
);

const lines = driver.input<null, string>('lines', { value: Serdes.string });
lines.pipeValue('the cat sat');
lines.pipeValue('on the mat');
const store = driver.store<string, number>('counts');
for (const word of ['the', 'cat', 'mat']) console.log(`${word} ${store.get(word)}`);
