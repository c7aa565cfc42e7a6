import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consume } from '../../src/cli/commands/consume.js';
import { embeddedClient } from '../../src/client/embedded/index.js';
import { type Log, partitionForKey } from '../../src/log/index.js';
import { openLog } from '../log/helpers.js';
import { runCli } from './run-cli.js';
import { sluice, spawnCli } from './spawn-cli.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-cli-pc-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface JsonRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
}

const jsonLines = (stdout: string): JsonRecord[] =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

// Real processes: slow to start on a busy machine.
describe('cli › produce and consume', { timeout: 90_000 }, () => {
  it('puts keyed lines where Kafka would, and reads them back as JSON in offset order per partition', async () => {
    await runCli('topics', 'create', 'orders', '--partitions', '3', '--log-dir', dir);
    const keys = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
    const lines = keys.flatMap((k, i) => [`${k}=${i}`, `${k}=${i + 100}`]);
    const produced = await sluice(['produce', 'orders', '--key-separator', '=', '--log-dir', dir], {
      input: `${lines.join('\n')}\n`,
    });
    expect(produced).toMatchObject({ code: 0, stderr: '' });

    const consumed = await sluice(
      ['consume', 'orders', '--from-beginning', '--no-follow', '--format', 'json'],
      {
        env: { SLUICE_LOG_DIR: dir },
      },
    );
    expect(consumed.code).toBe(0);
    const records = jsonLines(consumed.stdout);
    expect(records).toHaveLength(lines.length);
    for (const r of records) {
      expect(r.topic).toBe('orders');
      expect(r.partition).toBe(partitionForKey(Buffer.from(r.key as string), 3));
    }
    keys.forEach((k, i) => {
      const values = records.filter((r) => r.key === k).map((r) => r.value);
      expect(values).toEqual([String(i), String(i + 100)]);
    });
    for (let p = 0; p < 3; p++) {
      const offsets = records.filter((r) => r.partition === p).map((r) => r.offset);
      expect(offsets).toEqual([...offsets.keys()]);
    }
  });

  it('appends to one partition with --partition and acks=all, and reads from an offset as text', async () => {
    await runCli('topics', 'create', 'events', '--partitions', '2', '--log-dir', dir);
    const input = 'one\ntwo\nthree\nfour\n';
    const args = ['produce', 'events', '--partition', '1', '--acks', 'all', '--log-dir', dir];
    expect((await sluice(args, { input })).code).toBe(0);
    const consume = (...more: string[]) => runCli('consume', 'events', ...more, '--log-dir', dir);
    expect((await consume('--partition', '1', '--from-beginning', '--no-follow')).stdout).toBe(input);
    const tail = await consume('-p', '1', '--offset', '2', '--max-messages', '1');
    expect(tail).toMatchObject({ exitCode: 0, stdout: 'three\n' });
    const empty = await consume('-p', '0', '--from-beginning', '--no-follow');
    expect(empty).toMatchObject({ exitCode: 0, stdout: '' });
  });

  it('ends quietly with exit 0 when the reader of its output stops early, as `| head -1` does', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i}`).join('\n');
    await runCli('topics', 'create', 't', '--log-dir', dir);
    const produced = await sluice(['produce', 't', '--log-dir', dir], { input: `${lines}\n` });
    expect(produced).toMatchObject({ code: 0, stderr: '' });
    const run = spawnCli(['consume', 't', '--from-beginning', '--log-dir', dir]);
    let first = '';
    await new Promise<void>((resolve) => {
      run.child.stdout!.once('data', (chunk: Buffer | string) => {
        first = String(chunk).split('\n')[0]!;
        run.child.stdout!.destroy();
        resolve();
      });
    });
    const { code, stderr } = await run.done;
    expect(first).toBe('line 0');
    expect(stderr).toBe('');
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });

  it('starts at the first record at or after --from-time, given in ms or ISO', async () => {
    const log = await openLog(dir);
    await log.createTopic('clicks');
    const t0 = Date.UTC(2024, 4, 1, 12, 0, 0);
    const records = [0, 1, 2, 3].map((i) => ({ value: Buffer.from(`c${i}`), timestamp: t0 + i * 60_000 }));
    await log.append('clicks', 0, records);
    await log.close();
    const from = (time: string) =>
      runCli('consume', 'clicks', '--from-time', time, '--no-follow', '--log-dir', dir);
    expect((await from(String(t0 + 60_000))).stdout).toBe('c1\nc2\nc3\n');
    expect((await from('2024-05-01T12:02:30Z')).stdout).toBe('c3\n');
    expect(await from('2030-01-01T00:00:00Z')).toMatchObject({ exitCode: 0, stdout: '' });
    const bad = await from('yesterday');
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toContain('ISO date-time');
  });

  it('waits for new records until Ctrl-C, printing what it read, and exits 0', async () => {
    await runCli('topics', 'create', 'slow', '--log-dir', dir);
    await sluice(['produce', 'slow', '--log-dir', dir], { input: 'a\nb\n' });
    const follower = spawnCli([
      'consume',
      'slow',
      '--from-beginning',
      '--max-messages',
      '5',
      '--log-dir',
      dir,
    ]);
    // The child compiles the CLI on start: on a busy machine its first output can take a while.
    const deadline = Date.now() + 90_000;
    while (follower.stdout() !== 'a\nb\n' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    follower.child.kill('SIGINT');
    const ended = await follower.done;
    expect(ended).toMatchObject({ code: 0, stdout: 'a\nb\n' });
  }, 120_000);

  it('fails in one line on bad input: missing key separator, unknown topic or partition, offset out of range', async () => {
    await runCli('topics', 'create', 'orders', '--partitions', '2', '--log-dir', dir);
    const noSep = await sluice(['produce', 'orders', '-k', ':', '--log-dir', dir], { input: 'a:1\nb2\n' });
    expect(noSep.code).toBe(1);
    expect(noSep.stderr).toBe('sluice: line 2 has no key separator ":"; write key:value\n');
    const unknown = await sluice(['produce', 'nope', '--log-dir', dir], { input: 'x\n' });
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toMatch(/^sluice: topic "nope" does not exist.*\n$/);

    const partition = await runCli('consume', 'orders', '--partition', '7', '--log-dir', dir);
    expect(partition).toMatchObject({ exitCode: 1 });
    expect(partition.stderr).toBe('sluice: topic "orders" has 2 partitions; partition 7 does not exist\n');
    const range = await runCli('consume', 'orders', '-p', '0', '--offset', '9', '--log-dir', dir);
    expect(range.exitCode).toBe(1);
    expect(range.stderr).toContain('offset 9 is out of range for orders-0');
    const both = await runCli('consume', 'orders', '--from-beginning', '--offset', '0', '--log-dir', dir);
    expect(both.stderr).toContain('only one of');
    const acks = await runCli('produce', 'orders', '--acks', '2', '--log-dir', dir);
    expect(acks.exitCode).not.toBe(0);
  });
});

describe('cli › consume › follow', () => {
  it('prints records appended while it waits, then stops at --max-messages', async () => {
    const log: Log = await openLog(dir);
    try {
      await log.createTopic('live', { partitions: 2 });
      const out = new PassThrough();
      let printed = '';
      out.on('data', (b: Buffer) => (printed += b.toString()));
      const options = {
        logDir: dir,
        format: 'text' as const,
        keySeparator: '\t',
        follow: true,
        maxMessages: 3,
      };
      const reading = consume(embeddedClient(log), 'live', out, options, new AbortController().signal);
      await new Promise((r) => setTimeout(r, 100));
      await log.append('live', 1, [{ value: Buffer.from('first') }]);
      await new Promise((r) => setTimeout(r, 100));
      await log.append('live', 0, [{ value: Buffer.from('second') }, { value: Buffer.from('third') }]);
      await log.append('live', 0, [{ value: Buffer.from('not printed') }]);
      expect(await reading).toBe(3);
      expect(printed).toBe('first\nsecond\nthird\n');
    } finally {
      await log.close();
    }
  });
});
