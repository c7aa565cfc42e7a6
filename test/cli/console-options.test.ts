import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBroker } from '../../src/broker/index.js';
import { runSluice } from './compiled-cli.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-cli-console-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sluice = (args: string[], input?: string) =>
  runSluice([...args, '--log-dir', dir], input === undefined ? {} : { input });

// Real processes of the compiled CLI: slow to start on a busy machine.
describe('cli › console options of kafka-console-* and kcat', { timeout: 120_000 }, () => {
  it('produces headers with -H and parse.headers, and prints partition, offset, timestamp and headers', async () => {
    expect((await sluice(['topics', 'create', 'events'])).code).toBe(0);
    const fixed = await sluice(['produce', 'events', '-H', 'source=cli', '-H', 'run=1'], 'one\ntwo\n');
    expect(fixed.code, fixed.stderr).toBe(0);
    // kafka-console-producer's parse.headers: headers, a tab, then (with parse.key) key, a tab, value.
    const parsed = await sluice(
      ['produce', 'events', '--property', 'parse.headers=true', '--property', 'parse.key=true'],
      'trace:7,tenant:acme\tk1\tthree\n\tk2\tfour\n',
    );
    expect(parsed.code, parsed.stderr).toBe(0);

    const printed = await sluice([
      'consume',
      'events',
      '--from-beginning',
      '--no-follow',
      '--property',
      'print.partition=true',
      '--property',
      'print.offset=true',
      '--property',
      'print.headers=true',
      '--property',
      'print.key=true',
    ]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toBe(
      [
        'Partition:0\tOffset:0\tsource:cli,run:1\tnull\tone',
        'Partition:0\tOffset:1\tsource:cli,run:1\tnull\ttwo',
        'Partition:0\tOffset:2\ttrace:7,tenant:acme\tk1\tthree',
        'Partition:0\tOffset:3\tNO_HEADERS\tk2\tfour',
        '',
      ].join('\n'),
    );
    const stamped = await sluice([
      'consume',
      'events',
      '--from-beginning',
      '--no-follow',
      '--max-messages',
      '1',
      '--property',
      'print.timestamp=true',
    ]);
    expect(stamped.stdout).toMatch(/^CreateTime:\d{13}\tone\n$/);

    const kcat = await sluice([
      'consume',
      'events',
      '--from-beginning',
      '--no-follow',
      '-f',
      '%p:%o %k=%s [%h] %S\\n',
    ]);
    expect(kcat.stdout).toBe(
      '0:0 =one [source=cli,run=1] 3\n0:1 =two [source=cli,run=1] 3\n0:2 k1=three [trace=7,tenant=acme] 5\n0:3 k2=four [] 4\n',
    );

    const badProperty = await sluice(['consume', 'events', '--property', 'print.offsets=true']);
    expect(badProperty.code).toBe(1);
    expect(badProperty.stderr).toContain('--property print.offsets: unknown');
    const badLine = await sluice(['produce', 'events', '--property', 'parse.headers=true'], 'no delimiter\n');
    expect(badLine.code).toBe(1);
    expect(badLine.stderr).toContain('line 1 has no headers delimiter');
  });

  it('consume --group reads from the committed offsets and commits what it printed', async () => {
    await sluice(['topics', 'create', 'orders', '--partitions', '2']);
    await sluice(['produce', 'orders', '-k', ':'], 'a:1\nb:2\nc:3\nd:4\ne:5\n');
    const first = await sluice([
      'consume',
      'orders',
      '--group',
      'audit',
      '--from-beginning',
      '--max-messages',
      '3',
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim().split('\n')).toHaveLength(3);
    const rest = await sluice(['consume', 'orders', '--group', 'audit', '--from-beginning', '--no-follow']);
    expect(rest.code, rest.stderr).toBe(0);
    const seen = [...first.stdout.trim().split('\n'), ...rest.stdout.trim().split('\n')].sort();
    expect(seen).toEqual(['1', '2', '3', '4', '5']);
    const again = await sluice(['consume', 'orders', '--group', 'audit', '--no-follow']);
    expect(again).toMatchObject({ code: 0, stdout: '' });
    const described = JSON.parse((await sluice(['groups', 'describe', 'audit', '--json'])).stdout)[0];
    expect(described.offsets.map((o: { lag: number }) => o.lag)).toEqual([0, 0]);
    const mixed = await sluice(['consume', 'orders', '--group', 'audit', '--partition', '0']);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toContain("--group reads from the group's committed offsets");
  });

  it('produces and consumes through --bootstrap-server while a broker holds the log directory', async () => {
    const broker = await runBroker({
      logDir: dir,
      config: { listen: '127.0.0.1:0' },
      logger: pino({ level: 'silent' }),
    });
    try {
      const via = (args: string[], input?: string) =>
        runSluice([...args, '--bootstrap-server', broker.bootstrap], input === undefined ? {} : { input });
      expect((await via(['topics', 'create', 'clicks', '--partitions', '3'])).code).toBe(0);
      const produced = await via(['produce', 'clicks', '-k', '=', '-H', 'via=broker'], 'u1=a\nu2=b\nu1=c\n');
      expect(produced.code, produced.stderr).toBe(0);
      // Nothing else on stderr: no kafkajs partitioner warning, no connection chatter.
      expect(produced.stderr).toBe('');
      const consumed = await via([
        'consume',
        'clicks',
        '--from-beginning',
        '--no-follow',
        '--format',
        'json',
      ]);
      expect(consumed.code, consumed.stderr).toBe(0);
      const records = consumed.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(records.map((r) => r.value).sort()).toEqual(['a', 'b', 'c']);
      expect(records.every((r) => r.headers[0].key === 'via' && r.headers[0].value === 'broker')).toBe(true);
      const u1 = records.filter((r) => r.key === 'u1');
      expect(new Set(u1.map((r) => r.partition)).size).toBe(1);
      expect(u1.map((r) => r.value)).toEqual(['a', 'c']);
      const grouped = await via(['consume', 'clicks', '--group', 'g', '--from-beginning', '--no-follow']);
      expect(grouped.stdout.trim().split('\n').sort()).toEqual(['a', 'b', 'c']);
    } finally {
      await broker.close();
    }
  });
});
