import { describe, expect, it } from 'vitest';
import {
  foreignKeyJoin,
  joinWindows,
  streamStreamJoin,
  streamTableJoin,
  tableTableJoin,
} from '../../../src/streams/joins/index.js';
import { to } from '../../../src/streams/operators/index.js';
import { TopologyTestDriver } from '../../../src/streams/testing/index.js';

describe('streams › joins › stream-table', () => {
  function run(type: 'inner' | 'left') {
    const driver = new TopologyTestDriver();
    const customers = driver.table<string, string>('customers');
    const joiner = (amount: number, name: string | null) => `${name}:${amount}`;
    driver.start(
      driver
        .stream<string, number>('orders')
        .pipe(
          type === 'left'
            ? streamTableJoin(customers, joiner, { type: 'left' })
            : streamTableJoin(customers, joiner),
          to('out'),
        ),
    );
    const table = driver.input<string, string | null>('customers');
    const orders = driver.input<string, number>('orders');
    table.pipeInput('c1', 'Ann');
    orders.pipeInput('c1', 10);
    orders.pipeInput('c2', 5);
    table.pipeInput('c2', 'Bob');
    orders.pipeInput('c2', 7);
    table.pipeInput('c1', null);
    orders.pipeInput('c1', 3);
    return driver.output<string, string>('out').readKeyValues();
  }

  it('inner: joins each order with the customer row current when it arrives', () => {
    expect(run('inner')).toEqual([
      ['c1', 'Ann:10'],
      ['c2', 'Bob:7'],
    ]);
  });

  it('left: joins orders without a customer with null', () => {
    expect(run('left')).toEqual([
      ['c1', 'Ann:10'],
      ['c2', 'null:5'],
      ['c2', 'Bob:7'],
      ['c1', 'null:3'],
    ]);
  });
});

describe('streams › joins › stream-stream', () => {
  function run(type: 'inner' | 'left' | 'outer') {
    const driver = new TopologyTestDriver({ applicationId: 'j' });
    const right = driver.stream<string, string>('right');
    const joiner = (l: string | null, r: string | null) => `${l}+${r}`;
    const window = joinWindows(10);
    driver.start(
      driver
        .stream<string, string>('left')
        .pipe(streamStreamJoin(right, joiner, { window, type: type as 'outer', store: 'pairs' }), to('out')),
    );
    const l = driver.input<string, string>('left');
    const r = driver.input<string, string>('right');
    const out = driver.output<string, string>('out');
    const steps: [string, number][][] = [];
    const step = (input: typeof l, value: string, timestamp: number) => {
      input.pipeInput('k', value, { timestamp });
      steps.push(out.readRecords().map((record) => [record.value, record.timestamp]));
    };
    step(l, 'a', 0);
    step(r, 'x', 5);
    step(l, 'b', 30);
    step(r, 'y', 45);
    step(l, 'c', 40);
    step(r, 'z', 100);
    const late = driver.output<string, string>('j-pairs-late').readValues();
    return { steps, late };
  }

  it('inner: joins records of one key within the window, whichever side comes first', () => {
    const { steps, late } = run('inner');
    expect(steps).toEqual([[], [['a+x', 5]], [], [], [], []]);
    expect(late).toEqual(['c']);
  });

  it('left: emits an unmatched left record once, when its window closes, never before a match', () => {
    const { steps } = run('left');
    expect(steps).toEqual([[], [['a+x', 5]], [], [['b+null', 30]], [], []]);
  });

  it('outer: also emits unmatched right records when their window closes', () => {
    const { steps } = run('outer');
    expect(steps).toEqual([[], [['a+x', 5]], [], [['b+null', 30]], [], [['null+y', 45]]]);
  });
});

describe('streams › joins › table-table', () => {
  function run(type: 'inner' | 'left' | 'outer') {
    const driver = new TopologyTestDriver();
    const right = driver.table<string, string>('R');
    const joiner = (l: string | null, r: string | null) => `${l}+${r}`;
    driver.start(
      driver
        .table<string, string>('L')
        .pipe(tableTableJoin(right, joiner, { type: type as 'outer', store: 'joined' }), to('out')),
    );
    const l = driver.input<string, string | null>('L');
    const r = driver.input<string, string | null>('R');
    l.pipeInput('k1', 'a');
    r.pipeInput('k1', 'x');
    r.pipeInput('k2', 'y');
    l.pipeInput('k1', null);
    r.pipeInput('k2', null);
    return { out: driver.output<string, string | null>('out').readKeyValues(), driver };
  }

  it('inner: a result while both rows exist, a tombstone when one goes', () => {
    expect(run('inner').out).toEqual([
      ['k1', 'a+x'],
      ['k1', null],
    ]);
  });

  it('left: a result while the left row exists', () => {
    expect(run('left').out).toEqual([
      ['k1', 'a+null'],
      ['k1', 'a+x'],
      ['k1', null],
    ]);
  });

  it('outer: a result while either row exists, and the result table is queryable', () => {
    const { out, driver } = run('outer');
    expect(out).toEqual([
      ['k1', 'a+null'],
      ['k1', 'a+x'],
      ['k2', 'null+y'],
      ['k1', 'null+x'],
      ['k2', null],
    ]);
    expect(
      driver
        .store<string, string>('joined')
        .all()
        .map((e) => [e.key, e.value]),
    ).toEqual([['k1', 'null+x']]);
  });
});

describe('streams › joins › foreign key', () => {
  function run(type: 'inner' | 'left') {
    const driver = new TopologyTestDriver({ partitions: 2 });
    const products = driver.table<string, string>('products');
    const joiner = (order: { p: string }, product: string | null) => `${order.p}:${product}`;
    driver.start(
      driver.table<string, { p: string }>('orders').pipe(
        foreignKeyJoin(products, (order) => order.p, joiner, { type: type as 'left' }),
        to('out'),
      ),
    );
    const p = driver.input<string, string | null>('products');
    const o = driver.input<string, { p: string } | null>('orders');
    const out = driver.output<string, string | null>('out');
    const steps: [string, string | null][][] = [];
    const step = (fn: () => void) => {
      fn();
      steps.push(out.readKeyValues());
    };
    step(() => p.pipeInput('p1', 'Pen'));
    step(() => o.pipeInput('o1', { p: 'p1' }));
    step(() => o.pipeInput('o2', { p: 'p2' }));
    step(() => p.pipeInput('p2', 'Ink'));
    step(() => p.pipeInput('p1', 'Pencil'));
    step(() => o.pipeInput('o1', { p: 'p2' }));
    step(() => p.pipeInput('p1', 'X'));
    step(() => p.pipeInput('p2', null));
    return steps;
  }

  it('inner: follows changes on both sides, including a row changing its foreign key', () => {
    expect(run('inner')).toEqual([
      [],
      [['o1', 'p1:Pen']],
      [],
      [['o2', 'p2:Ink']],
      [['o1', 'p1:Pencil']],
      [['o1', 'p2:Ink']],
      [],
      [
        ['o2', null],
        ['o1', null],
      ],
    ]);
  });

  it('left: rows without a match join with null', () => {
    expect(run('left')).toEqual([
      [],
      [['o1', 'p1:Pen']],
      [['o2', 'p2:null']],
      [['o2', 'p2:Ink']],
      [['o1', 'p1:Pencil']],
      [['o1', 'p2:Ink']],
      [],
      [
        ['o2', 'p2:null'],
        ['o1', 'p2:null'],
      ],
    ]);
  });
});
