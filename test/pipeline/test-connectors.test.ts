import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSluice } from '../cli/compiled-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-test-connectors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * CSV order files → orders-raw → a stream keeping paid orders → a CSV file and a JSON-lines file, with the given
 * `tests:` block, run by the compiled `sluice test`. The folders the connectors name are never touched by tests.
 */
async function sluiceTest(name: string, tests: string, sourceConfig = '') {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
log:
  dir: ${join(dir, name, 'log')}
sources:
  - name: orders-csv
    connector: csv
    topic: orders-raw
    config:
      input.path: ${join(dir, name, 'in')}
      value.schema: { id: long, ts: timestamp, region: string, qty: int, price: decimal, status: string }
${sourceConfig}
streams:
  - name: clean
    from: orders-raw
    steps:
      - filter: status = "paid"
      - map: '{ "id": id, "ts": $fromMillis(ts), "region": region, "amount": $round(qty * $number(price), 2) }'
    to: orders-clean
sinks:
  - name: clean-csv
    connector: csv-sink
    topics: orders-clean
    config:
      output.path: ${join(dir, name, 'out')}
      csv.columns: id,ts,region,amount
  - name: clean-jsonl
    connector: FileStreamSink
    topics: orders-clean
    config:
      file: ${join(dir, name, 'clean.jsonl')}
tests:
${tests}`,
  );
  const r = await runSluice(['test', file]);
  return { ...r, file };
}

const rows = `        content: |
          id,ts,region,qty,price,status
          1,2026-01-01T09:00:00Z,eu,2,2.50,paid
          2,2026-01-01T09:10:00Z,us,1,12.00,refunded
          3,2026-01-01T09:20:00Z,eu,4,7.25,paid
`;

describe('pipeline › tests: block › sources and sinks', { timeout: 120_000 }, () => {
  it('feeds CSV text to the real source and reads back what the real sinks write', async () => {
    const r = await sluiceTest(
      'through',
      `  - name: typed, cleaned and written
    input:
      orders-csv:
${rows}          4,yesterday,eu,1,1.00,paid
    expect:
      # Typed by the declared schema and the JSON converter: a timestamp as epoch ms, a decimal as its digits.
      orders-raw:
        - value: { id: 1, ts: 1767258000000, region: eu, qty: 2, price: "2.50", status: paid }
        - value_contains: { id: 2, status: refunded }
        - value_contains: { id: 3 }
      orders-raw-dlq:
        - value: "4,yesterday,eu,1,1.00,paid"
          condition: '$contains($headers."sluice.csv.error", "ISO-8601")'
      orders-clean:
        - value: { id: 1, ts: "2026-01-01T09:00:00.000Z", region: eu, amount: 5 }
        - value: { id: 3, ts: "2026-01-01T09:20:00.000Z", region: eu, amount: 29 }
    expect_output:
      clean-csv:
        lines:
          - id,ts,region,amount
          - 1,2026-01-01T09:00:00.000Z,eu,5
          - 3,2026-01-01T09:20:00.000Z,eu,29
      clean-jsonl:
        contains:
          - '{"id":3,"ts":"2026-01-01T09:20:00.000Z","region":"eu","amount":29}'
`,
      '      errors.tolerance: all\n      errors.deadletterqueue.topic.name: orders-raw-dlq',
    );
    expect(r.stdout, r.stderr).toContain('PASS typed, cleaned and written');
    expect(r.stdout).toContain('1 passed, 0 failed');
    expect(r.code).toBe(0);
    // No connector log lines: a failure is said once, in the test's result.
    expect(r.stderr).toBe('');
    // The folders the pipeline names were left alone.
    expect(readdirSync(join(dir))).not.toContain('through');
  });

  it('names the fields that differ, in the source topic and in the lines a sink wrote', async () => {
    const r = await sluiceTest(
      'differs',
      `  - name: wrong expectations
    input:
      orders-csv:
${rows}    expect:
      orders-raw:
        - value_contains: { id: 1, qty: 3 }
        - value_contains: { id: 2 }
        - value_contains: { id: 3 }
    expect_output:
      clean-csv:
        lines:
          - id,ts,region,amount
          - 1,2026-01-01T09:00:00.000Z,us,6
          - 3,2026-01-01T09:20:00.000Z,eu,29
          - 4,2026-01-01T10:00:00.000Z,eu,1
      clean-jsonl:
        contains:
          - '{"id":3,"ts":"2026-01-01T09:20:00.000Z","region":"eu","amount":29.5}'
`,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL wrong expectations');
    expect(r.stdout).toContain('orders-raw[0]: value.qty: expected 3, got 2');
    // A CSV line by the columns of its file's header.
    expect(r.stdout).toContain(
      'clean-csv line 2:\n    region: expected "us", got "eu"\n    amount: expected "6", got "5"',
    );
    expect(r.stdout).toContain('clean-csv line 4: missing; expected "4,2026-01-01T10:00:00.000Z,eu,1"');
    expect(r.stdout).not.toContain('clean-csv line 3');
    // A JSON line by its fields, against the line nearest to it.
    expect(r.stdout).toMatch(
      /clean-jsonl: no line is .*\(2 lines written\); nearest is line 2: amount: expected 29\.5, got 29\n/,
    );
    expect(r.stdout).toContain('0 passed, 1 failed');
  });

  it('reads a file named relative to the pipeline, and fails a case whose source fails for good', async () => {
    mkdirSync(join(dir, 'fixtures'), { recursive: true });
    writeFileSync(
      join(dir, 'fixtures', 'orders.csv'),
      'id,ts,region,qty,price,status\n7,2026-01-02T00:00:00Z,eu,1,3.00,paid\n',
    );
    const r = await sluiceTest(
      'failing',
      `  - name: from a fixture
    input:
      orders-csv: { file: fixtures/orders.csv }
    expect:
      orders-clean:
        - value: { id: 7, ts: "2026-01-02T00:00:00.000Z", region: eu, amount: 3 }
  - name: a bad row with errors.tolerance none
    input:
      orders-csv:
        content: |
          id,ts,region,qty,price,status
          1,2026-01-01T09:00:00Z,eu,x,2.50,paid
    expect:
      orders-clean: []
`,
      '      errors.tolerance: none',
    );
    expect(r.stdout, r.stderr).toContain('PASS from a fixture');
    expect(r.stdout).toMatch(
      /FAIL a bad row with errors\.tolerance none .*\n {2}input orders-csv: source orders-csv failed: orders-csv line 2: column "qty"/,
    );
    expect(r.code).toBe(1);
  });

  it('refuses a file input for a name that is no source, and expect_output for one that is no sink', async () => {
    const r = await sluiceTest(
      'names',
      `  - name: typos
    input:
      orders-cvs: { content: "id\\n1\\n" }
    expect_output:
      clean-cvs: { lines: [] }
`,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'tests.0.input.orders-cvs: no source is named "orders-cvs"; did you mean "orders-csv"?',
    );
    expect(r.stderr).toContain(
      'tests.0.expect_output.clean-cvs: no sink is named "clean-cvs"; did you mean "clean-csv"?',
    );
  });
});
