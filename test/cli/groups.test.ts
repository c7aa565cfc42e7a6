import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBroker } from '../../src/broker/index.js';
import { embeddedClient } from '../../src/client/embedded/index.js';
import { Log } from '../../src/log/index.js';
import { runSluice } from './compiled-cli.js';

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

/** The compiled `sluice groups ...` on the test's log directory. */
const groups = async (...args: string[]) => {
  const r = await runSluice(['groups', ...args, '--log-dir', dir]);
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.code };
};

describe('cli › groups', { timeout: 120_000 }, () => {
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

  it('previews a reset unless given --execute, as kafka-consumer-groups does', async () => {
    const preview = await groups('reset-offsets', 'app', '--all-topics', '--shift-by', '-3');
    expect(preview.exitCode, preview.stderr).toBe(0);
    expect(preview.stdout).toMatch(/orders\s+0\s+4\s+1\n/);
    expect(preview.stdout).toMatch(/orders\s+1\s+10\s+7\n/);
    expect(preview.stdout).toContain('preview: nothing was changed (add --execute to apply)');
    const dry = await groups('reset-offsets', 'app', '--all-topics', '--shift-by', '-3', '--dry-run');
    expect(dry.stdout).toContain('preview: nothing was changed');
    expect((await groups('describe', 'app')).stdout).toMatch(/orders\s+0\s+4\s+10\s+6/);

    const applied = await groups(
      'reset-offsets',
      'app',
      '--topic',
      'orders:1',
      '--to-datetime',
      '2024-01-01T00:03:00Z',
      '--execute',
    );
    expect(applied.stdout).toMatch(/orders\s+1\s+10\s+3\n/);
    expect(applied.stdout).toContain('group app: offsets reset');
    const after = JSON.parse((await groups('describe', 'app', '--json')).stdout)[0];
    expect(after.offsets.map((o: { committed: number }) => o.committed)).toEqual([4, 3]);

    await groups('reset-offsets', 'app', '--all-topics', '--to-earliest', '--execute');
    const plan = JSON.parse(
      (await groups('reset-offsets', 'app', '--all-topics', '--to-latest', '--json')).stdout,
    );
    expect(plan.dryRun).toBe(true);
    expect(plan.plan).toEqual([
      { topic: 'orders', partition: 0, current: 0, target: 10 },
      { topic: 'orders', partition: 1, current: 0, target: 10 },
    ]);
  });

  it('resets --to-current, --by-duration and --from-file', async () => {
    const current = JSON.parse(
      (await groups('reset-offsets', 'app', '--all-topics', '--to-current', '--json')).stdout,
    );
    expect(current.plan.map((p: { target: number }) => p.target)).toEqual([4, 10]);

    // Every record is from 2024: "one hour ago" is past all of them, so the target is the end.
    const recent = JSON.parse(
      (await groups('reset-offsets', 'app', '--topic', 'orders', '--by-duration', 'PT1H', '--json')).stdout,
    );
    expect(recent.plan.map((p: { target: number }) => p.target)).toEqual([10, 10]);
    // A duration long enough to reach before the first record moves to the start.
    const old = JSON.parse(
      (await groups('reset-offsets', 'app', '--topic', 'orders', '--by-duration', 'P36500D', '--json'))
        .stdout,
    );
    expect(old.plan.map((p: { target: number }) => p.target)).toEqual([0, 0]);
    const bad = await groups('reset-offsets', 'app', '--all-topics', '--by-duration', '1h');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('--by-duration "1h" is not an ISO 8601 duration');

    const file = join(dir, 'plan.csv');
    await writeFile(file, 'orders,0,7\norders,1,2\n');
    const fromFile = await groups('reset-offsets', 'app', '--from-file', file, '--execute');
    expect(fromFile.exitCode, fromFile.stderr).toBe(0);
    const after = JSON.parse((await groups('describe', 'app', '--json')).stdout)[0];
    expect(after.offsets.map((o: { committed: number }) => o.committed)).toEqual([7, 2]);

    // A bad line is reported with its number, and nothing is applied.
    await writeFile(file, 'orders,0,1\norders,one,2\n');
    const badFile = await groups('reset-offsets', 'app', '--from-file', file, '--execute');
    expect(badFile.exitCode).toBe(1);
    expect(badFile.stderr).toContain('plan.csv line 2: expected topic,partition,offset');
    const unchanged = JSON.parse((await groups('describe', 'app', '--json')).stdout)[0];
    expect(unchanged.offsets.map((o: { committed: number }) => o.committed)).toEqual([7, 2]);
  });

  it('refuses a reset without exactly one target, without a scope, and bad values, with a clear message', async () => {
    const none = await groups('reset-offsets', 'app', '--all-topics');
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain('needs exactly one of --to-earliest');
    const two = await groups('reset-offsets', 'app', '--all-topics', '--to-earliest', '--to-latest');
    expect(two.stderr).toContain('(got --to-earliest, --to-latest)');
    const date = await groups('reset-offsets', 'app', '--all-topics', '--to-datetime', 'yesterday');
    expect(date.stderr).toContain('--to-datetime "yesterday" is not a date');
    const scope = await groups('reset-offsets', 'app', '--to-earliest', '--execute');
    expect(scope.exitCode).toBe(1);
    expect(scope.stderr).toContain('needs a scope: --topic <topic[:partitions]> or --all-topics');
    const both = await groups(
      'reset-offsets',
      'app',
      '--all-topics',
      '--to-earliest',
      '--execute',
      '--dry-run',
    );
    expect(both.stderr).toContain('give --execute or --dry-run, not both');
  });

  it('describes --all-groups with --state and --members', async () => {
    const state = await groups('describe', '--all-groups', '--state');
    expect(state.exitCode, state.stderr).toBe(0);
    expect(state.stdout).toMatch(/^GROUP\s+ASSIGNMENT-STRATEGY\s+STATE\s+#MEMBERS\napp\s+-\s+Empty\s+0\n$/);
    const members = await groups('describe', 'app', '--members');
    expect(members.stdout).toBe('(no active members in app)\n');
    const all = await groups('describe', '--all-groups');
    expect(all.stdout).toMatch(/orders\s+0\s+4\s+10\s+6/);
    const neither = await groups('describe');
    expect(neither.exitCode).toBe(1);
    expect(neither.stderr).toContain('name the groups to describe, or give --all-groups');
  });

  it('goes through --bootstrap-server while a broker holds the log directory', async () => {
    const broker = await runBroker({ logDir: dir, config: { listen: '127.0.0.1:0' }, logger: silent() });
    try {
      const direct = await groups('list');
      expect(direct.exitCode).toBe(1);
      expect(direct.stderr).toContain('--bootstrap-server');
      const r = await runSluice(['groups', 'describe', 'app', '--bootstrap-server', broker.bootstrap]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/orders\s+0\s+4\s+10\s+6/);
      const applied = await runSluice([
        'groups',
        'reset-offsets',
        'app',
        '--topic',
        'orders:0',
        '--to-offset',
        '8',
        '--execute',
        '--bootstrap-server',
        broker.bootstrap,
      ]);
      expect(applied.code, applied.stderr).toBe(0);
      const after = await runSluice([
        'groups',
        'describe',
        'app',
        '--json',
        '--bootstrap-server',
        broker.bootstrap,
      ]);
      expect(JSON.parse(after.stdout)[0].offsets.map((o: { committed: number }) => o.committed)).toEqual([
        8, 10,
      ]);
    } finally {
      await broker.close();
    }
  });

  it('deletes a group; describing it afterwards names the problem', async () => {
    expect((await groups('delete', 'app')).stdout).toBe('deleted group app\n');
    const gone = await groups('describe', 'app');
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toContain('group "app": does not exist; list groups with `sluice groups list`');
  });

  it('shows examples in --help', async () => {
    const help = await runSluice(['groups', '--help']);
    expect(help.stdout).toContain('sluice groups reset-offsets orders-app --all-topics --to-datetime');
  });
});

function silent() {
  return pino({ level: 'silent' });
}
