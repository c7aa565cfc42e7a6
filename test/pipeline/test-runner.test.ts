import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSluice } from '../cli/compiled-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-test-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A one-stream pipeline (orders → priced) with the given `tests:` block, run by the compiled `sluice test`. */
async function sluiceTest(name: string, tests: string) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
topics:
  orders: { partitions: 1 }
streams:
  - name: price
    from: orders
    steps:
      - map: '{ "id": id, "amount": qty * price, "tags": ["new", region], "meta": { "region": region, "v": 2 } }'
    to: priced
tests:
${tests}`,
  );
  const r = await runSluice(['test', file]);
  return { ...r, file };
}

const input = `    input:
      orders:
        - value: { id: 1, qty: 2, price: 5, region: eu }
        - value: { id: 2, qty: 1, price: 7, region: us }
`;

describe('pipeline › tests: block', { timeout: 120_000 }, () => {
  it('matches partially with value_contains, and by a condition', async () => {
    const r = await sluiceTest(
      'partial',
      `  - name: partial matches
${input}    expect:
      priced:
        - value_contains: { amount: 10, meta: { region: eu }, tags: [eu] }
        - condition: amount > 5 and $key = null and meta.v = 2
`,
    );
    expect(r.stdout, r.stderr).toContain('1 passed, 0 failed');
    expect(r.code).toBe(0);
  });

  it('prints only the fields that differ', async () => {
    const r = await sluiceTest(
      'diff',
      `  - name: wrong amount
${input}    expect:
      priced:
        - value: { id: 1, amount: 11, tags: [new, eu], meta: { region: eu, v: 2 } }
        - value_contains: { meta: { region: eu } }
`,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('priced[0]: value.amount: expected 11, got 10');
    expect(r.stdout).toContain('priced[1]: value.meta.region: expected "eu", got "us"');
    // Not the two whole records.
    expect(r.stdout).not.toContain('"tags"');
    expect(r.stdout).toContain('0 passed, 1 failed');
  });

  it('fails a condition that is false, saying which', async () => {
    const r = await sluiceTest(
      'condition',
      `  - name: big orders only
${input}    expect:
      priced:
        - condition: amount > 100
        - condition: amount > 5
`,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('priced[0]: condition "amount > 100" is false for value');
    expect(r.stdout).not.toContain('priced[1]');
  });

  it('fails an expect: on a topic nothing writes, also when it expects nothing', async () => {
    const r = await sluiceTest(
      'unwritten',
      `  - name: typo in the topic
${input}    expect:
      prices: []
`,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('prices: no stream of the pipeline writes this topic (they write priced)');
  });

  it('refuses an expected record without value, value_contains or condition', async () => {
    const r = await sluiceTest(
      'empty',
      `  - name: nothing to compare
${input}    expect:
      priced:
        - key: a
`,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('an expected record needs value, value_contains or condition');
  });
});
