import { describe, expect, it } from 'vitest';
import {
  countByKey,
  filterBy,
  flatMapValues,
  groupByKey,
  groupRecordsBy,
  mapValues,
  to,
  toStream,
} from '../../src/streams/operators/index.js';
import { Serdes } from '../../src/streams/serdes.js';
import { TopologyTestDriver } from '../../src/streams/testing/index.js';

function wordCount(driver: TopologyTestDriver): void {
  driver.start(
    driver.stream<null, string>('lines', { value: Serdes.string }).pipe(
      flatMapValues((line) => line.toLowerCase().split(/\W+/)),
      filterBy((_, word) => word.length > 0),
      groupRecordsBy((_, word) => word, { name: 'words' }),
      countByKey({ store: 'counts', keySerde: Serdes.string }),
      toStream(),
      to('counts', { key: Serdes.string, value: Serdes.long }),
    ),
  );
}

describe('streams › word count', () => {
  it('emits the running count of each word and keeps the totals queryable', () => {
    const driver = new TopologyTestDriver({ applicationId: 'wc' });
    wordCount(driver);
    const lines = driver.input<null, string>('lines', { value: Serdes.string });
    lines.pipeValue('The quick brown fox');
    lines.pipeValue('jumps over the lazy dog.');
    lines.pipeValue('The END');
    const out = driver.output<string, number>('counts', { key: Serdes.string, value: Serdes.long });
    expect(out.readKeyValues()).toEqual([
      ['the', 1],
      ['quick', 1],
      ['brown', 1],
      ['fox', 1],
      ['jumps', 1],
      ['over', 1],
      ['the', 2],
      ['lazy', 1],
      ['dog', 1],
      ['the', 3],
      ['end', 1],
    ]);
    const store = driver.store<string, number>('counts');
    expect(store.get('the')).toBe(3);
    expect(store.get('cat')).toBeUndefined();
    expect(store.range('f', 'l').map((e) => [e.key, e.value])).toEqual([
      ['fox', 1],
      ['jumps', 1],
    ]);
    expect(driver.outputTopics()).toEqual(['counts', 'lines', 'wc-words-repartition']);
  });

  it('keeps one store per partition and routes each word to one of them', () => {
    const driver = new TopologyTestDriver({ applicationId: 'wc', partitions: 3 });
    wordCount(driver);
    const lines = driver.input<null, string>('lines', { value: Serdes.string });
    for (let i = 0; i < 30; i++) lines.pipeValue('a b c d e f', { partition: i % 3 });
    const totals = driver.store<string, number>('counts').all();
    expect(totals.map((e) => [e.key, e.value])).toEqual(['a', 'b', 'c', 'd', 'e', 'f'].map((w) => [w, 30]));
    const final = driver
      .output<string, number>('counts', { key: Serdes.string, value: Serdes.long })
      .readKeyValuesToMap();
    expect(final.get('e')).toBe(30);
  });

  it('passes record values through mapValues unchanged in key and timestamp', () => {
    const driver = new TopologyTestDriver();
    driver.start(
      driver.stream<string, number>('in').pipe(
        mapValues((v) => v * 2),
        to('out'),
      ),
    );
    driver.input<string, number>('in').pipeInput('k', 21, { timestamp: 1234 });
    const [record] = driver.output<string, number>('out').readRecords();
    expect(record).toMatchObject({ key: 'k', value: 42, timestamp: 1234 });
  });
});

describe('streams › word count › emit on commit', () => {
  it('emits only the latest count of each word updated since the last commit', () => {
    const driver = new TopologyTestDriver({ autoCommit: false });
    driver.start(
      driver.stream<null, string>('lines', { value: Serdes.string }).pipe(
        flatMapValues((line) => line.split(' ')),
        groupRecordsBy((_, word) => word),
        countByKey({ store: 'counts', emit: 'on-commit' }),
        to('counts', { key: Serdes.string, value: Serdes.long }),
      ),
    );
    const lines = driver.input<null, string>('lines', { value: Serdes.string });
    const out = driver.output<string, number>('counts', { key: Serdes.string, value: Serdes.long });
    lines.pipeValue('a b a');
    lines.pipeValue('c a');
    expect(out.readKeyValues()).toEqual([]);
    expect(driver.store<string, number>('counts').get('a')).toBe(3);
    driver.commit();
    expect(out.readKeyValues()).toEqual([
      ['a', 3],
      ['b', 1],
      ['c', 1],
    ]);
    lines.pipeValue('b');
    driver.commit();
    driver.commit();
    expect(out.readKeyValues()).toEqual([['b', 2]]);
  });

  it("carries the headers and the latest timestamp of the key's last update, as Kafka's record cache does", () => {
    const driver = new TopologyTestDriver({ autoCommit: false });
    driver.start(
      driver
        .stream<string, string>('clicks', { key: Serdes.string, value: Serdes.string })
        .pipe(
          groupByKey(),
          countByKey({ store: 'clicks', emit: 'on-commit' }),
          to('counts', { key: Serdes.string, value: Serdes.long }),
        ),
    );
    const clicks = driver.input<string, string>('clicks', { key: Serdes.string, value: Serdes.string });
    const out = driver.output<string, number>('counts', { key: Serdes.string, value: Serdes.long });
    const trace = (id: string) => [{ key: 'trace', value: Buffer.from(id) }];
    clicks.pipeInput('u1', 'home', { timestamp: 30, headers: trace('a') });
    clicks.pipeInput('u2', 'home', { timestamp: 10 });
    clicks.pipeInput('u1', 'cart', { timestamp: 20, headers: trace('b') });
    driver.commit();
    const records = out.readRecords();
    expect(records.map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['u1', 2, 30],
      ['u2', 1, 10],
    ]);
    expect(records[0].headers.map((h) => h.value?.toString())).toEqual(['b']);
    expect(records[1].headers).toEqual([]);
  });
});
