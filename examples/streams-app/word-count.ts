// The word count topology, written once as a function of its input stream: main.ts runs it on a log, and
// test-driver.ts runs the same function on the in-memory test driver.
import {
  countByKey,
  filterBy,
  flatMapValues,
  groupRecordsBy,
  type KStream,
  Serdes,
  to,
  toStream,
} from '../../src/index.js';

/** Counts words in lines of text, keeps the totals in the `counts` store, and writes each new total to `word-counts`. */
export function wordCount(lines: KStream<null, string>) {
  return lines.pipe(
    flatMapValues((line) => line.toLowerCase().split(/\W+/)),
    filterBy((_, word) => word.length > 0),
    groupRecordsBy((_, word) => word, { name: 'words' }),
    countByKey({ store: 'counts', keySerde: Serdes.string }),
    toStream(),
    to('word-counts', { key: Serdes.string, value: Serdes.long }),
  );
}
