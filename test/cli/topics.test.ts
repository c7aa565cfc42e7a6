import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBroker } from '../../src/broker/index.js';
import { runSluice } from './compiled-cli.js';
import { runCli } from './run-cli.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-cli-topics-'));
});

afterEach(async () => {
  delete process.env.SLUICE_LOG_DIR;
  await rm(dir, { recursive: true, force: true });
});

const topics = (...args: string[]) => runCli('topics', ...args, '--log-dir', dir);

describe('cli › topics', () => {
  it('creates, lists, describes, alters and deletes a topic', async () => {
    const created = await topics(
      'create',
      'orders',
      '--partitions',
      '3',
      '--config',
      'retention.ms=86400000',
    );
    expect(created).toMatchObject({ exitCode: 0, stdout: 'created topic orders with 3 partition(s)\n' });
    await topics('create', 'audit');

    expect((await topics('list')).stdout).toBe('audit\norders\n');
    expect(JSON.parse((await topics('list', '--json')).stdout)).toEqual(['audit', 'orders']);

    const described = await topics('describe', 'orders');
    expect(described.stdout).toContain('topic orders, 3 partitions');
    expect(described.stdout).toMatch(/partition\s+start\s+end\s+records\n\s+0\s+0\s+0\s+0\n/);
    // As Kafka's --describe: the overrides only, every key with --all.
    expect(described.stdout).toContain(
      'config (overrides; --all for every key):\n    retention.ms=86400000\n',
    );
    expect(described.stdout).not.toContain('cleanup.policy=delete');
    const everything = await topics('describe', 'orders', '--all');
    expect(everything.stdout).toContain('retention.ms=86400000');
    expect(everything.stdout).toContain('cleanup.policy=delete');
    expect((await topics('describe', 'audit')).stdout).toContain('config: defaults only (--all lists them)');

    const altered = await topics(
      'alter',
      'orders',
      '--config',
      'cleanup.policy=compact',
      '--partitions',
      '5',
    );
    expect(altered.exitCode).toBe(0);
    const json = JSON.parse((await topics('describe', 'orders', '--json')).stdout);
    expect(json).toMatchObject({ name: 'orders', partitions: 5, config: { 'cleanup.policy': 'compact' } });
    expect(json.overrides).toEqual({ 'cleanup.policy': 'compact', 'retention.ms': 86400000 });
    expect(json.offsets).toHaveLength(5);
    expect(json.offsets[4]).toEqual({ partition: 4, logStartOffset: 0, highWatermark: 0 });

    await topics('alter', 'orders', '--delete-config', 'retention.ms');
    const reset = JSON.parse((await topics('describe', 'orders', '--json')).stdout);
    expect(reset.config['retention.ms']).toBe(7 * 24 * 60 * 60 * 1000);

    const all = JSON.parse((await topics('describe', '--json')).stdout);
    expect(all.map((t: { name: string }) => t.name)).toEqual(['audit', 'orders']);

    expect(await topics('delete', 'orders')).toMatchObject({ exitCode: 0, stdout: 'deleted topic orders\n' });
    expect((await topics('list')).stdout).toBe('audit\n');
  });

  it('accepts --replication-factor 1, as Kafka scripts pass it, and explains a larger one', async () => {
    const one = await runSluice([
      'topics',
      'create',
      'orders',
      '--replication-factor',
      '1',
      '--log-dir',
      dir,
    ]);
    expect(one.code, one.stderr).toBe(0);
    const three = await runSluice([
      'topics',
      'create',
      'audit',
      '--replication-factor',
      '3',
      '--log-dir',
      dir,
    ]);
    expect(three.code).toBe(1);
    expect(three.stderr).toBe(
      'sluice: --replication-factor 3: an embedded log keeps one copy of each partition; use 1\n',
    );
  }, 120_000);

  it('goes through --bootstrap-server while a broker holds the log directory', async () => {
    const broker = await runBroker({
      logDir: dir,
      config: { listen: '127.0.0.1:0' },
      logger: pino({ level: 'silent' }),
    });
    try {
      const via = (...args: string[]) =>
        runSluice(['topics', ...args, '--bootstrap-server', broker.bootstrap]);
      const created = await via('create', 'orders', '--partitions', '2', '--config', 'retention.ms=60000');
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toBe('created topic orders with 2 partition(s)\n');
      expect((await via('list')).stdout).toBe('orders\n');
      const described = await via('describe', 'orders');
      expect(described.stdout).toContain('topic orders, 2 partitions');
      expect(described.stdout).toContain('retention.ms=60000');
      expect((await via('alter', 'orders', '--partitions', '3')).stdout).toBe(
        'altered topic orders (3 partition(s))\n',
      );
      expect((await via('delete', 'orders')).code).toBe(0);
      expect((await via('list')).stdout).toBe('');
    } finally {
      await broker.close();
    }
  }, 120_000);

  it('takes the log directory from SLUICE_LOG_DIR when --log-dir is not given', async () => {
    process.env.SLUICE_LOG_DIR = dir;
    expect((await runCli('topics', 'create', 'from-env')).exitCode).toBe(0);
    expect((await topics('list')).stdout).toBe('from-env\n');
  });

  it('succeeds on an existing topic with --if-not-exists, and fails without it', async () => {
    await topics('create', 'orders');
    expect((await topics('create', 'orders', '--if-not-exists')).exitCode).toBe(0);
    const again = await topics('create', 'orders');
    expect(again).toMatchObject({ exitCode: 1, stderr: 'sluice: topic "orders" already exists\n' });
  });

  it.each([
    ['..', 'cannot be "." or ".."'],
    ['a/b', 'character "/" is not allowed'],
    ['x'.repeat(250), '249'],
    ['', 'empty'],
  ])('refuses the topic name %j in one line, exit code 1', async (name, reason) => {
    const r = await topics('create', name);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^sluice: invalid topic name .*\n$/);
    expect(r.stderr).toContain(reason);
    expect((await topics('list')).stdout).toBe('');
  });

  it('refuses an unknown config key with the nearest valid one', async () => {
    const r = await topics('create', 'orders', '--config', 'retention.msx=1000');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('did you mean "retention.ms"?');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('refuses bad config values and leaves the topic as it was', async () => {
    expect((await topics('create', 'orders', '--config', 'retention.ms=soon')).exitCode).toBe(1);
    expect((await topics('create', 'orders', '--config', 'cleanup.policy=shred')).stderr).toContain(
      'cleanup.policy',
    );
    await topics('create', 'orders');
    const bad = await topics('alter', 'orders', '--config', 'segment.bytes=-5');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('segment.bytes');
    const json = JSON.parse((await topics('describe', 'orders', '--json')).stdout);
    expect(json.config['segment.bytes']).toBe(1024 * 1024 * 1024);
    expect((await topics('alter', 'orders', '--config', 'noequals')).exitCode).not.toBe(0);
  });

  it('names an unknown topic and refuses to shrink partitions', async () => {
    const unknown = await topics('describe', 'nope');
    expect(unknown).toMatchObject({ exitCode: 1 });
    expect(unknown.stderr).toContain('topic "nope" does not exist');
    await topics('create', 'orders', '--partitions', '3');
    const shrink = await topics('alter', 'orders', '--partitions', '2');
    expect(shrink.exitCode).toBe(1);
    expect(shrink.stderr).toContain('3 partitions');
    expect((await topics('alter', 'orders')).stderr).toContain('nothing to alter');
    expect((await topics('create', 'x', '--partitions', '0')).exitCode).not.toBe(0);
  });

  it.each([
    'topics create',
    'topics list',
    'topics describe',
    'topics alter',
    'topics delete',
    'produce',
    'consume',
  ])('%s --help shows an example and --log-dir', async (command) => {
    const r = await runCli(...command.split(' '), '--help');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Example:');
    expect(r.stdout).toMatch(/\$ .*sluice /);
    expect(r.stdout).toContain('--log-dir <dir>');
  });
});
