import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../pipeline/wait.js';
import { runSluice, startSluice } from './compiled-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ORDERS = `order_id,customer,quantity,unit_price,status
1,acme,2,2.50,paid
2,hooli,1,12.00,refunded
3,stark,4,7.25,paid
4,acme,1,2.50,pending
5,wayne,3,9.99,paid
6,umbrella,5,1.00,paid
`;

const FILTER = 'status = "paid"';
const MAP =
  '{ "order_id": order_id, "customer": customer, "total": $round(quantity * $number(unit_price), 2) }';

/** The deployed pipeline: CSV orders → a cleaned topic (stateless) → spend per customer (an aggregate). */
function pipeline(o: { filter?: string; map?: string; dlq?: boolean; sum?: string } = {}): string {
  return `# The orders of the diff test.
name: diff-test
until-done: true
log:
  dir: ${join(dir, 'log')}
sources:
  - name: orders
    connector: csv
    topic: orders-raw
    config:
      input.path: ${join(dir, 'in')}
      input.claim: offsets
      input.finite: true
      cleanup.policy: none
      value.schema: { order_id: long, customer: string, quantity: int, unit_price: decimal, status: string }
streams:
  - name: clean
    from: orders-raw
    steps:
      - filter: '${o.filter ?? FILTER}'
      - map: '${o.map ?? MAP}'
    to: orders-clean
${o.dlq === false ? '' : '    dead.letter.topic: orders-clean-dlq\n'}  - name: spend
    from: orders-clean
    steps:
      - key: customer
      - aggregate:
          fields:
            orders: { count: true }
            spent: { sum: ${o.sum ?? 'total'} }
    to: spend-by-customer
`;
}

/** Writes `text` as a pipeline file named `name` in the test's folder. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const deployed = join(dir, 'deployed.yaml');

/** The edit: a wider filter that also leaves out wayne, and 10% off from 3 items on. */
const EDITED = {
  filter: '(status = "paid" or status = "pending") and customer != "wayne"',
  map: '{ "order_id": order_id, "customer": customer, "total": $round(quantity * $number(unit_price) * (quantity >= 3 ? 0.9 : 1), 2) }',
};

beforeAll(async () => {
  mkdirSync(join(dir, 'in'));
  writeFileSync(join(dir, 'in', 'orders.csv'), ORDERS);
  writeFileSync(deployed, pipeline());
  const run = await runSluice(['run', deployed, '--json']);
  expect(run.code, run.stderr).toBe(0);
}, 120_000);

describe('cli › diff', () => {
  it('shows, field by field, which outputs an edit of the stateless steps changes, and a summary', async () => {
    const edited = file('edited.yaml', pipeline(EDITED));
    const diff = await runSluice(['diff', edited, '--from', 'orders-raw@-100', '--against', deployed]);
    expect(diff.code, diff.stderr).toBe(0);
    const out = diff.stdout;
    expect(out).toContain(`against ${deployed}, over orders-raw 0@0..5`);
    expect(out).toContain('changed streams: clean; replayed: clean');
    // Order 3 (4 items) and 6 (5 items) get 10% off; their outputs are found in the log where the old version put them.
    expect(out).toContain(
      'orders-raw:0@2  changed\n  orders-clean (orders-clean-0@1 in the log):\n      value.total: 29 → 26.1',
    );
    expect(out).toContain(
      'orders-raw:0@5  changed\n  orders-clean (orders-clean-0@3 in the log):\n      value.total: 5 → 4.5',
    );
    expect(out).toMatch(
      /orders-raw:0@3 {2}new .*\n {2}orders-clean: now written: \{"order_id":4,"customer":"acme","total":2\.5\}/,
    );
    expect(out).toMatch(
      /orders-raw:0@4 {2}dropped .*\n {2}orders-clean: no longer written \(orders-clean-0@2 in the log\): \{"order_id":5,"customer":"wayne","total":29\.97\}/,
    );
    // Unchanged inputs (order 1 as it was, order 2 filtered out in both) are not listed.
    expect(out).not.toContain('orders-raw:0@0 ');
    expect(out).not.toContain('orders-raw:0@1 ');
    expect(out).toContain('6 inputs: 2 unchanged, 2 changed, 1 dropped, 1 new');
    expect(out).toContain(
      'in the log: every record the old version gives for these inputs (4 in orders-clean)',
    );
    // The aggregate downstream is not replayed, and the report says why.
    expect(out).toContain('note: stream spend is not replayed: streams.1.steps.1 (aggregate) holds state');
  }, 120_000);

  it('--json gives the same report; --exit-code exits 1 on differences and 0 without', async () => {
    const edited = file('edited-json.yaml', pipeline(EDITED));
    const diff = await runSluice([
      'diff',
      edited,
      '--from',
      'orders-raw:0@-4',
      '--against',
      deployed,
      '--json',
      '--exit-code',
    ]);
    expect(diff.code, diff.stderr).toBe(1);
    const report = JSON.parse(diff.stdout);
    expect(report.ranges).toEqual([{ partition: 0, from: 2, to: 6 }]);
    expect(report.summary).toEqual({ inputs: 4, unchanged: 0, changed: 2, dropped: 1, new: 1 });
    expect(report.deployed).toEqual([{ topic: 'orders-clean', expected: 3, found: 3 }]);
    expect(report.records.map((r: { offset: number; status: string }) => [r.offset, r.status])).toEqual([
      [2, 'changed'],
      [3, 'new'],
      [4, 'dropped'],
      [5, 'changed'],
    ]);
    expect(report.records[0].outputs).toEqual([
      expect.objectContaining({
        topic: 'orders-clean',
        status: 'changed',
        at: 'orders-clean-0@1',
        changes: [{ path: 'value.total', before: 29, after: 26.1 }],
      }),
    ]);
    expect(report.records[0].input.value).toMatchObject({ order_id: 3, customer: 'stark', quantity: 4 });

    const same = await runSluice([
      'diff',
      deployed,
      '--from',
      'orders-raw@-100',
      '--against',
      deployed,
      '--exit-code',
    ]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain('6 inputs: 6 unchanged, 0 changed, 0 dropped, 0 new');
    expect(same.stdout).toContain('note: no stream that the records of orders-raw go through changed');
  }, 120_000);

  it('--save-test appends the changed inputs as tests: cases that sluice test passes with the edit', async () => {
    const edited = file('edited-save.yaml', pipeline(EDITED));
    const diff = await runSluice([
      'diff',
      edited,
      '--from',
      'orders-raw@-100',
      '--against',
      deployed,
      '--save-test',
    ]);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stderr).toContain(`saved 4 tests to ${edited}`);
    const text = readFileSync(edited, 'utf8');
    // The file is appended to, not rewritten: its comment and its layout stay.
    expect(text.startsWith(pipeline(EDITED))).toBe(true);
    expect(text).toContain('  - name: orders-raw:0@4 dropped by the edit');

    const tested = await runSluice(['test', edited, '--json']);
    expect(tested.code, tested.stdout + tested.stderr).toBe(0);
    const results = JSON.parse(tested.stdout).results as { name: string; passed: boolean }[];
    expect(results.map((r) => [r.name, r.passed])).toEqual([
      ['orders-raw:0@2 changed by the edit', true],
      ['orders-raw:0@3 new by the edit', true],
      ['orders-raw:0@4 dropped by the edit', true],
      ['orders-raw:0@5 changed by the edit', true],
    ]);

    // The same cases fail on the deployed version: they pin down what the edit does.
    const onOld = file('old-with-tests.yaml', pipeline() + text.slice(pipeline(EDITED).length));
    const old = await runSluice(['test', onOld]);
    expect(old.code).toBe(1);
    expect(old.stdout).toContain('0 passed, 4 failed');
    expect(old.stdout).toContain('orders-clean[0]: value.total: expected 26.1, got 29');
  }, 120_000);

  it('--save-test <file> writes a copy of the edited pipeline with the tests when the file does not exist', async () => {
    const edited = file('edited-copy.yaml', pipeline(EDITED));
    const target = join(dir, 'with-tests.yaml');
    const diff = await runSluice([
      'diff',
      edited,
      '--from',
      'orders-raw@-2',
      '--against',
      deployed,
      '--save-test',
      target,
    ]);
    expect(diff.code, diff.stderr).toBe(0);
    expect(readFileSync(edited, 'utf8')).toBe(pipeline(EDITED));
    const tested = await runSluice(['test', target]);
    expect(tested.code, tested.stdout).toBe(0);
    expect(tested.stdout).toContain('PASS orders-raw:0@4 dropped by the edit');
    expect(tested.stdout).toContain('PASS orders-raw:0@5 changed by the edit');
    expect(tested.stdout).toContain('2 passed, 0 failed');
  }, 120_000);

  it('a record the edit sends to the dead-letter topic, and one it fails the stream on', async () => {
    const fails = '{ "order_id": order_id, "total": customer = "stark" ? $number(customer) : quantity }';
    const toDlq = file('edited-dlq.yaml', pipeline({ map: fails }));
    const diff = await runSluice([
      'diff',
      toDlq,
      '--from',
      'orders-raw@-100',
      '--against',
      deployed,
      '--json',
    ]);
    expect(diff.code, diff.stderr).toBe(0);
    const stark = JSON.parse(diff.stdout).records.find((r: { offset: number }) => r.offset === 2);
    expect(stark.status).toBe('changed');
    expect(stark.outputs).toEqual([
      expect.objectContaining({ topic: 'orders-clean', status: 'dropped', at: 'orders-clean-0@1' }),
      expect.objectContaining({ topic: 'orders-clean-dlq', status: 'new' }),
    ]);
    expect(stark.outputs[1].after.headers['sluice.error.offset']).toBe('2');
    expect(stark.outputs[1].after.headers['sluice.error.reason']).toMatch(/number/i);

    const stops = file('edited-stops.yaml', pipeline({ map: fails, dlq: false }));
    const stopped = await runSluice([
      'diff',
      stops,
      '--from',
      'orders-raw@-100',
      '--against',
      deployed,
      '--save-test',
    ]);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toMatch(
      /orders-raw:0@2 {2}changed\n {2}the edited version fails the stream on it \(no dead-letter topic\): step streams\.0\.steps\.1 \(map\) failed on record orders-raw-0@2/,
    );
    // The records after it are still compared (a stateless replay starts again after a failure).
    expect(stopped.stdout).toContain('6 inputs: 2 unchanged, 4 changed, 0 dropped, 0 new');
    expect(stopped.stderr).toContain('not saved: 1 input the edited version fails on');
  }, 120_000);

  it('compares with the file as committed at HEAD by default', async () => {
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    const path = join(repo, 'orders.yaml');
    writeFileSync(path, pipeline());
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo });
    git('init', '-q');
    git('add', 'orders.yaml');
    git('commit', '-qm', 'deployed');
    writeFileSync(path, pipeline(EDITED));
    const diff = await runSluice(['diff', path, '--from', 'orders-raw@-100'], { cwd: repo });
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain(`sluice diff ${path} against HEAD:orders.yaml`);
    expect(diff.stdout).toContain('6 inputs: 2 unchanged, 2 changed, 1 dropped, 1 new');

    const explicit = await runSluice(
      ['diff', path, '--from', 'orders-raw@-100', '--against', 'HEAD:./orders.yaml'],
      {
        cwd: repo,
      },
    );
    expect(explicit.stdout).toContain('6 inputs: 2 unchanged, 2 changed, 1 dropped, 1 new');

    const outside = file('untracked.yaml', pipeline(EDITED));
    const none = await runSluice(['diff', outside, '--from', 'orders-raw@-100'], { cwd: dir });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(
      /untracked\.yaml: no deployed version to compare with \(git show HEAD:\.\/untracked\.yaml: .*\); give it with --against/,
    );
  }, 120_000);

  it('reads a running pipeline’s log through --bootstrap-server (sluice run --serve)', async () => {
    const served = pipeline()
      .replace('until-done: true', 'until-done: false')
      .replace(join(dir, 'log'), join(dir, 'served-log'));
    const running = file('served.yaml', served);
    const edited = file('served-edited.yaml', served.replace(FILTER, EDITED.filter).replace(MAP, EDITED.map));
    const run = startSluice(['run', running, '--serve', '127.0.0.1:0']);
    try {
      await waitFor('the listener', () => /"bootstrap":"127\.0\.0\.1:\d+"/.test(run.stderr()));
      const bootstrap = /"bootstrap":"(127\.0\.0\.1:\d+)"/.exec(run.stderr())![1]!;
      const diff = () =>
        runSluice([
          'diff',
          edited,
          '--from',
          'orders-raw@-100',
          '--against',
          running,
          '--bootstrap-server',
          bootstrap,
          '--json',
        ]);
      // The stream writes orders-clean while the source reads: diff once everything the old version gives is there.
      let report: { summary: unknown; deployed: unknown } | undefined;
      const end = Date.now() + 90_000;
      while (Date.now() < end) {
        const r = await diff();
        expect(r.code, r.stderr).toBe(0);
        report = JSON.parse(r.stdout);
        if (
          (report as { summary: { inputs: number } }).summary.inputs === 6 &&
          JSON.stringify(report!.deployed).includes('"found":4')
        )
          break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(report!.summary).toEqual({ inputs: 6, unchanged: 2, changed: 2, dropped: 1, new: 1 });
      expect(report!.deployed).toEqual([{ topic: 'orders-clean', expected: 4, found: 4 }]);
    } finally {
      run.child.kill('SIGINT');
    }
    const ended = await run.done;
    expect(ended.code, ended.stderr).toBe(0);
  }, 180_000);

  it('finds the old outputs in every partition of a keyed output topic', async () => {
    const keyed = pipeline()
      .replace(join(dir, 'log'), join(dir, 'keyed-log'))
      .replace('streams:\n', 'topics:\n  orders-clean: { partitions: 3 }\nstreams:\n')
      .replace(`      - map: '${MAP}'\n`, `      - map: '${MAP}'\n      - key: customer\n`);
    const running = file('keyed.yaml', keyed);
    const run = await runSluice(['run', running]);
    expect(run.code, run.stderr).toBe(0);
    const edited = file('keyed-edited.yaml', keyed.replace(FILTER, EDITED.filter).replace(MAP, EDITED.map));
    const diff = await runSluice([
      'diff',
      edited,
      '--from',
      'orders-raw@-100',
      '--against',
      running,
      '--json',
    ]);
    expect(diff.code, diff.stderr).toBe(0);
    const report = JSON.parse(diff.stdout);
    expect(report.summary).toEqual({ inputs: 6, unchanged: 2, changed: 2, dropped: 1, new: 1 });
    expect(report.deployed).toEqual([{ topic: 'orders-clean', expected: 4, found: 4 }]);
    // Each "before" is where the running pipeline put it: the partition of its key.
    const at = report.records
      .flatMap((r: { outputs: { at?: string; before?: { key: string } }[] }) => r.outputs)
      .filter((o: { at?: string }) => o.at)
      .map((o: { at: string; before: { key: string } }) => [o.before.key, o.at.replace(/@\d+$/, '')]);
    expect(at).toHaveLength(3);
    const partitions = new Set(at.map(([, where]: string[]) => where));
    expect(partitions.size).toBeGreaterThan(1);
    const consumed = await runSluice([
      'consume',
      'orders-clean',
      '--from-beginning',
      '--no-follow',
      '--log-dir',
      join(dir, 'keyed-log'),
      '--property',
      'print.partition=true',
      '--property',
      'print.key=true',
    ]);
    for (const [key, where] of at) {
      const partition = where.split('-').pop();
      expect(consumed.stdout).toContain(`Partition:${partition}\t"${key}"`);
    }
  }, 120_000);

  it('refuses a changed stateful stream, unless --skip-stateful leaves it out', async () => {
    const edited = file('edited-stateful.yaml', pipeline({ ...EDITED, sum: 'order_id' }));
    const refused = await runSluice(['diff', edited, '--from', 'orders-raw@-100', '--against', deployed]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'sluice: stream spend changed and holds state (streams.1.steps.1 (aggregate))',
    );
    expect(refused.stderr).toContain('give --skip-stateful to compare those and leave spend out');
    const skipped = await runSluice([
      'diff',
      edited,
      '--from',
      'orders-raw@-100',
      '--against',
      deployed,
      '--skip-stateful',
    ]);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout).toContain('it was left out (--skip-stateful)');
    expect(skipped.stdout).toContain('6 inputs: 2 unchanged, 2 changed, 1 dropped, 1 new');
  }, 120_000);

  it('a bad --from spec fails naming the problem', async () => {
    const cases: [string, RegExp][] = [
      ['orders-raw', /--from "orders-raw": no @; expected topic@-N \(the last N records\)/],
      ['orders-raw@', /--from "orders-raw@": nothing after @/],
      ['orders-raw@last', /--from "orders-raw@last": "last" is neither -N nor an offset/],
      ['@-10', /--from "@-10": no topic before @/],
      ['orders-raw:x@-10', /--from "orders-raw:x@-10": partition "x" is not a number/],
      ['orders-raw:4@-10', /topic "orders-raw" has 1 partition; partition 4 does not exist/],
      ['orders-raw@99', /offset 99 is out of range for orders-raw-0: valid offsets are 0 to 6/],
    ];
    for (const [from, message] of cases) {
      const diff = await runSluice(['diff', deployed, '--from', from, '--against', deployed]);
      expect(diff.code, from).toBe(1);
      expect(diff.stderr, from).toMatch(message);
      expect(diff.stdout, from).toBe('');
    }
    const withExitCode = await runSluice(['diff', deployed, '--from', 'orders-raw', '--exit-code']);
    expect(withExitCode.code).toBe(2);
  }, 240_000);

  it('a topic that does not exist in the log, or that no stream reads, is an error naming it', async () => {
    const declared = file(
      'other-topic.yaml',
      pipeline().replace(
        'streams:\n',
        'topics:\n  orders-other: {}\nstreams:\n  - name: other\n    from: orders-other\n    to: other-out\n',
      ),
    );
    const missing = await runSluice(['diff', declared, '--from', 'orders-other@-10', '--against', deployed]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      'sluice: topic "orders-other" does not exist; the log has orders-clean, orders-clean-dlq, orders-raw, orders-raw-dlq, spend-by-customer\n',
    );

    const unread = await runSluice(['diff', deployed, '--from', 'orders-rw@-10', '--against', deployed]);
    expect(unread.code).toBe(1);
    expect(unread.stderr).toContain(
      'sluice: --from orders-rw: no stream of the pipeline reads topic "orders-rw"; its streams read orders-clean, orders-raw',
    );
  }, 120_000);
});
