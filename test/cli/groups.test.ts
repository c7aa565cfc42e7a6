import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { embeddedClient } from '../../src/client/embedded/index.js';
import { Log } from '../../src/log/index.js';
import { runCli } from './run-cli.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-cli-groups-'));
  // A topic of 2 partitions with 10 records each, and group "app" committed at 4 and 10.
  const log = await Log.open({ dir });
  const client = embeddedClient(log);
  await client.admin().createTopics([{ name: 'orders', partitions: 2 }]);
  const timestamp = (n: number) => Date.parse('2024-01-01T00:00:00Z') + n * 60_000;
  await client.producer().send(
    'orders',
    Array.from({ length: 20 }, (_, n) => ({
      value: String(n),
      partition: n % 2,
      timestamp: timestamp(n >> 1),
    })),
  );
  const consumer = client.consumer({ groupId: 'app', 'enable.auto.commit': false });
  await consumer.commit([
    { topic: 'orders', partition: 0, offset: 4 },
    { topic: 'orders', partition: 1, offset: 10 },
  ]);
  await client.close();
  await log.close();
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const groups = (...args: string[]) => runCli('groups', ...args, '--log-dir', dir);

describe('cli › groups', () => {
  it('lists groups, as text and JSON', async () => {
    const listed = await groups('list');
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toMatch(/^GROUP\s+STATE\s+PROTOCOL-TYPE\napp\s+Empty\s+-\n$/);
    expect(JSON.parse((await groups('list', '--json')).stdout)).toEqual([
      { groupId: 'app', state: 'Empty', protocolType: '' },
    ]);
  });

  it('describes committed offset, end offset and lag per partition', async () => {
    const described = await groups('describe', 'app');
    expect(described.stdout).toContain('group app: Empty, 0 members');
    expect(described.stdout).toMatch(/orders\s+0\s+4\s+10\s+6\s+-/);
    expect(described.stdout).toMatch(/orders\s+1\s+10\s+10\s+0\s+-/);
    const [json] = JSON.parse((await groups('describe', 'app', '--json')).stdout);
    expect(json.offsets.map((o: { lag: number }) => o.lag)).toEqual([6, 0]);
  });

  it('plans a reset with --dry-run, then applies it', async () => {
    const dry = await groups('reset-offsets', 'app', '--shift-by', '-3', '--dry-run');
    expect(dry.stdout).toMatch(/orders\s+0\s+4\s+1\n/);
    expect(dry.stdout).toMatch(/orders\s+1\s+10\s+7\n/);
    expect(dry.stdout).toContain('dry run: nothing was changed');
    expect((await groups('describe', 'app')).stdout).toMatch(/orders\s+0\s+4\s+10\s+6/);

    const applied = await groups(
      'reset-offsets',
      'app',
      '--topic',
      'orders:1',
      '--to-datetime',
      '2024-01-01T00:03:00Z',
    );
    expect(applied.stdout).toMatch(/orders\s+1\s+10\s+3\n/);
    expect(applied.stdout).toContain('group app: offsets reset');
    const after = JSON.parse((await groups('describe', 'app', '--json')).stdout)[0];
    expect(after.offsets.map((o: { committed: number }) => o.committed)).toEqual([4, 3]);

    await groups('reset-offsets', 'app', '--to-earliest');
    const plan = JSON.parse(
      (await groups('reset-offsets', 'app', '--to-latest', '--dry-run', '--json')).stdout,
    );
    expect(plan.plan).toEqual([
      { topic: 'orders', partition: 0, current: 0, target: 10 },
      { topic: 'orders', partition: 1, current: 0, target: 10 },
    ]);
  });

  it('refuses a reset without exactly one target, and bad values, with a clear message', async () => {
    const none = await groups('reset-offsets', 'app');
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain('needs exactly one of --to-earliest');
    const two = await groups('reset-offsets', 'app', '--to-earliest', '--to-latest');
    expect(two.stderr).toContain('(got --to-earliest, --to-latest)');
    const date = await groups('reset-offsets', 'app', '--to-datetime', 'yesterday');
    expect(date.stderr).toContain('--to-datetime "yesterday" is not a date');
  });

  it('deletes a group; describing it afterwards names the problem', async () => {
    expect((await groups('delete', 'app')).stdout).toBe('deleted group app\n');
    const gone = await groups('describe', 'app');
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toContain('group "app": does not exist; list groups with `sluice groups list`');
  });

  it('shows examples in --help', async () => {
    const help = await runCli('groups', '--help');
    expect(help.stdout).toContain('sluice groups reset-offsets orders-app --to-datetime');
  });
});
