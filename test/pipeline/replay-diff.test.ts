import { map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { appendTests, type SavedTest } from '../../src/pipeline/diff-tests.js';
import { fieldChanges } from '../../src/pipeline/field-changes.js';
import { parseReplayFrom, replayRanges } from '../../src/pipeline/replay-from.js';
import { replayPlan } from '../../src/pipeline/replay-plan.js';
import { pipelineSchema } from '../../src/pipeline/schema.js';
import { TopologyTestDriver } from '../../src/streams/index.js';

describe('pipeline › diff › --from', () => {
  it('reads topic@-N, topic@offset and topic:partition@-N', () => {
    expect(parseReplayFrom('orders-raw@-10000')).toEqual({
      topic: 'orders-raw',
      start: { kind: 'last', count: 10000 },
    });
    expect(parseReplayFrom('orders.v2@250')).toEqual({
      topic: 'orders.v2',
      start: { kind: 'offset', offset: 250 },
    });
    expect(parseReplayFrom('orders_raw:3@-5')).toEqual({
      topic: 'orders_raw',
      partition: 3,
      start: { kind: 'last', count: 5 },
    });
  });

  it('names what is wrong with a malformed spec', () => {
    expect(() => parseReplayFrom('orders-raw')).toThrow('--from "orders-raw": no @');
    expect(() => parseReplayFrom('orders-raw@-0')).toThrow('(ask for at least 1 record)');
    expect(() => parseReplayFrom('orders-raw@-1.5')).toThrow('"-1.5" is neither -N nor an offset');
    expect(() => parseReplayFrom('orders raw@-1')).toThrow('"orders raw" is not a topic name');
    expect(() => parseReplayFrom(':0@-1')).toThrow('no topic before @');
  });

  it('turns the spec into offsets per partition: the last N start no earlier than the log start', () => {
    const partitions = [
      { partition: 0, logStartOffset: 0, highWatermark: 100 },
      { partition: 1, logStartOffset: 40, highWatermark: 45 },
    ];
    expect(replayRanges(parseReplayFrom('t@-10'), partitions)).toEqual([
      { partition: 0, from: 90, to: 100 },
      { partition: 1, from: 40, to: 45 },
    ]);
    expect(replayRanges(parseReplayFrom('t:1@42'), partitions)).toEqual([{ partition: 1, from: 42, to: 45 }]);
    expect(() => replayRanges(parseReplayFrom('t@50'), partitions)).toThrow(
      'offset 50 is out of range for t-1: valid offsets are 40 to 45',
    );
    expect(() => replayRanges(parseReplayFrom('t:2@-1'), partitions)).toThrow('partition 2 does not exist');
  });
});

describe('pipeline › diff › plan', () => {
  const spec = pipelineSchema.parse({
    streams: [
      { name: 'clean', from: 'raw', steps: [{ filter: 'ok' }], to: 'clean', 'dead.letter.topic': 'dlq' },
      { name: 'route', from: 'clean', steps: [{ branch: [{ when: 'big', to: 'big' }, { to: 'small' }] }] },
      {
        name: 'count',
        from: 'clean',
        steps: [{ key: 'id' }, { aggregate: { fields: { n: { count: true } } } }],
        to: 'counts',
      },
      { name: 'after-count', from: 'counts', to: 'counted' },
      { name: 'elsewhere', from: 'other', to: 'x' },
    ],
  });

  it('follows the topic through stateless streams and stops at a stateful one', () => {
    const plan = replayPlan(spec, 'raw');
    expect(plan.replayed.map((r) => [r.stream.name, r.index])).toEqual([
      ['clean', 0],
      ['route', 1],
    ]);
    expect(plan.stopped).toEqual([
      { stream: 'count', step: 'streams.2.steps.1 (aggregate)', kind: 'aggregate' },
    ]);
    expect([...plan.written].sort()).toEqual(['big', 'clean', 'dlq', 'small']);
  });
});

describe('pipeline › diff › field changes', () => {
  it('goes into objects and same-length arrays, and says which fields came and went', () => {
    expect(
      fieldChanges(
        'value',
        { total: 29, items: [1, 2], gone: true, same: 'x' },
        { total: 28.5, items: [1, 3], same: 'x', added: null },
      ),
    ).toEqual([
      { path: 'value.total', before: 29, after: 28.5 },
      { path: 'value.items[1]', before: 2, after: 3 },
      { path: 'value.gone', before: true },
      { path: 'value.added', after: null },
    ]);
    expect(fieldChanges('value', [1], [1, 2])).toEqual([{ path: 'value', before: [1], after: [1, 2] }]);
    expect(fieldChanges('key', 'a', 'a')).toEqual([]);
  });
});

describe('pipeline › diff › saved tests', () => {
  const test: SavedTest = {
    name: 'orders-raw:0@3 changed by the edit',
    input: { 'orders-raw': [{ value: { id: 3, note: 'a: b' }, timestamp: 7 }] },
    expect: { 'orders-clean': [{ value: { id: 3 } }], 'orders-clean-dlq': [] },
  };

  it('appends to an existing tests: list and leaves the rest of the file as it was', () => {
    const text =
      'name: p # the name\ntests:\n  - name: old\n    input: {}\n    expect: {}\n# the sinks\nsinks: []\n';
    const out = appendTests(text, [test]);
    expect(
      out.startsWith(
        'name: p # the name\ntests:\n  - name: old\n    input: {}\n    expect: {}\n  - name: orders-raw:0@3',
      ),
    ).toBe(true);
    expect(out.endsWith('# the sinks\nsinks: []\n')).toBe(true);
    expect(parse(out).tests).toEqual([{ name: 'old', input: {}, expect: {} }, test]);
  });

  it('adds a tests: list to a file without one, or fills an empty one', () => {
    expect(parse(appendTests('name: p', [test]))).toEqual({ name: 'p', tests: [test] });
    expect(parse(appendTests('name: p\ntests: []\nsinks: []\n', [test]))).toEqual({
      name: 'p',
      tests: [test],
      sinks: [],
    });
    expect(parse(appendTests('tests:\nsinks: []\n', [test]))).toEqual({ tests: [test], sinks: [] });
    expect(parse(appendTests('tests:\n- name: old\n  input: {}\n  expect: {}\n', [test])).tests).toHaveLength(
      2,
    );
  });
});

describe('streams › test driver › pipe at an offset', () => {
  it('gives a piped record the offset it is given, as a replayed record keeps its own', () => {
    const driver = new TopologyTestDriver();
    const seen: number[] = [];
    driver.start(driver.stream('in').pipe(map((r) => seen.push(r.offset))));
    driver.pipe('in', { key: null, value: Buffer.from('1'), headers: [], timestamp: 0, partition: 2 }, 41);
    driver.pipe('in', { key: null, value: Buffer.from('2'), headers: [], timestamp: 0, partition: 2 });
    driver.close();
    expect(seen).toEqual([41, 42]);
  });
});
