import { describe, expect, it } from 'vitest';
import { pipelineSchema } from '../../src/pipeline/schema.js';
import { runPipelineTests } from '../../src/pipeline/test-runner.js';

function run(yamlObject: unknown) {
  return runPipelineTests(pipelineSchema.parse(yamlObject), `${process.cwd()}/test/pipeline/x.yaml`);
}

const orders = [
  { key: null, value: { id: 1, region: 'eu', amount: 10, ts: '2026-01-01T00:00:10Z' } },
  { key: null, value: { id: 2, region: 'us', amount: -5, ts: '2026-01-01T00:00:20Z' } },
  { key: null, value: { id: 3, region: 'eu', amount: 'x', ts: '2026-01-01T00:00:30Z' } },
  { key: null, value: { id: 4, region: 'eu', amount: 30, ts: '2026-01-01T00:00:40Z' } },
  { key: null, value: { id: 5, region: 'us', amount: 7, ts: '2026-01-01T00:01:05Z' } },
  { key: null, value: { id: 6, region: 'eu', amount: 1, ts: '2026-01-01T00:02:10Z' } },
];

describe('pipeline › steps', () => {
  it('filters, reshapes, keys and aggregates per tumbling window, dead-lettering what does not fit', async () => {
    const [result] = await run({
      streams: [
        {
          name: 'revenue',
          from: 'orders',
          'dead.letter.topic': 'orders-dlq',
          steps: [
            { filter: 'amount > 0' },
            { map: '{ "id": id, "region": $uppercase(region), "amount": amount, "ts": ts }' },
            { key: 'region' },
            {
              aggregate: {
                window: { type: 'tumbling', size: '1m', emit: 'final', timestamp: 'ts' },
                fields: {
                  orders: { count: true },
                  revenue: { sum: 'amount' },
                  biggest: { max: 'amount' },
                  ids: { collect: 'id' },
                },
              },
            },
          ],
          to: 'revenue',
        },
      ],
      tests: [
        {
          name: 'per minute and region',
          input: { orders },
          expect: {
            revenue: [
              {
                key: 'EU',
                value: {
                  key: 'EU',
                  start: '2026-01-01T00:00:00.000Z',
                  end: '2026-01-01T00:01:00.000Z',
                  orders: 2,
                  revenue: 40,
                  biggest: 30,
                  ids: [1, 4],
                },
              },
              {
                key: 'US',
                value: {
                  key: 'US',
                  start: '2026-01-01T00:01:00.000Z',
                  end: '2026-01-01T00:02:00.000Z',
                  orders: 1,
                  revenue: 7,
                  biggest: 7,
                  ids: [5],
                },
              },
            ],
            'orders-dlq': [
              {
                value: { id: 3, region: 'eu', amount: 'x', ts: '2026-01-01T00:00:30Z' },
                headers: { 'sluice.error.step': 'streams.0.steps.0 (filter)' },
              },
            ],
          },
        },
      ],
    });
    expect(result.failures).toEqual([]);
    expect(result.passed).toBe(true);
  });

  it('binds $key, $timestamp, $topic and $headers in expressions', async () => {
    const [result] = await run({
      streams: [
        {
          name: 'meta',
          from: 'in',
          steps: [
            { filter: '$headers.source != "test"' },
            { map: '{ "n": n, "key": $key, "at": $timestamp, "from": $topic, "via": $headers.source }' },
          ],
          to: 'out',
        },
      ],
      tests: [
        {
          name: 'record metadata',
          input: {
            in: [
              { key: 'a', value: { n: 1 }, timestamp: 5000, headers: { source: 'app' } },
              { key: 'b', value: { n: 2 }, timestamp: 6000, headers: { source: 'test' } },
            ],
          },
          expect: { out: [{ key: 'a', value: { n: 1, key: 'a', at: 5000, from: 'in', via: 'app' } }] },
        },
      ],
    });
    expect(result.failures).toEqual([]);
    expect(result.passed).toBe(true);
  });

  it('reports a failing case as the fields that differ, per record', async () => {
    const [result] = await run({
      streams: [{ name: 's', from: 'in', steps: [{ map: '{ "n": n * 2 }' }], to: 'out' }],
      tests: [
        {
          name: 'double',
          input: { in: [{ value: { n: 1 } }, { value: { n: 2 } }] },
          expect: { out: [{ value: { n: 2 } }, { value: { n: 5 } }] },
        },
      ],
    });
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual(['out[1]: value.n: expected 5, got 4']);
  });

  it('branches, flat-maps, dedupes and joins with a table', async () => {
    const [result] = await run({
      streams: [
        {
          name: 'enrich',
          from: 'clicks',
          steps: [
            { flatMap: 'pages' },
            { key: 'user' },
            { dedupe: { key: '$string(user) & "/" & page', within: '1m' } },
            { join: { table: 'users', type: 'left', as: 'profile' } },
            { branch: [{ when: 'profile.vip', to: 'vip-clicks' }] },
          ],
          to: 'other-clicks',
        },
      ],
      tests: [
        {
          name: 'enrich and split',
          input: {
            users: [{ key: 'ann', value: { vip: true } }],
            clicks: [
              {
                value: {
                  pages: [
                    { user: 'ann', page: '/a' },
                    { user: 'bob', page: '/a' },
                  ],
                },
                timestamp: 1000,
              },
              { value: { pages: [{ user: 'ann', page: '/a' }] }, timestamp: 2000 },
              { value: { pages: [{ user: 'ann', page: '/a' }] }, timestamp: 120000 },
            ],
          },
          expect: {
            'vip-clicks': [
              { key: 'ann', value: { user: 'ann', page: '/a', profile: { vip: true } } },
              { key: 'ann', value: { user: 'ann', page: '/a', profile: { vip: true } } },
            ],
            'other-clicks': [{ key: 'bob', value: { user: 'bob', page: '/a', profile: null } }],
          },
        },
      ],
    });
    expect(result.failures).toEqual([]);
  });
});
