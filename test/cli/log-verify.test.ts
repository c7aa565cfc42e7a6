import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSegment, recordsOf, writeSegment } from '../log/tools/segment-fixtures.js';
import { runCli } from './run-cli.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-cli-verify-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  delete process.env.SLUICE_LOG_DIR;
});

async function twoPartitions(): Promise<void> {
  for (const partition of [0, 1]) {
    await writeSegment(
      join(dir, `orders-${partition}`),
      0,
      buildSegment(0, [recordsOf(3, 'a'), recordsOf(2, 'b')]),
    );
  }
}

describe('cli › log verify', () => {
  it('exits 0 and says so when nothing is damaged', async () => {
    await twoPartitions();
    const { stdout, exitCode } = await runCli('log', 'verify', dir);
    expect(exitCode).toBe(0);
    expect(stdout).toBe('verified 2 partitions, 2 segments, 4 batches, 10 records: no damage\n');
  });

  it('prints each damage with kind, file and position, and exits 1', async () => {
    await twoPartitions();
    const segment = buildSegment(0, [recordsOf(3, 'a'), recordsOf(2, 'b')]);
    segment.log[segment.log.length - 1] ^= 0x40;
    const file = join(dir, 'orders-1', '00000000000000000000.log');
    await writeFile(file, segment.log);
    const { stdout, exitCode } = await runCli('log', 'verify', dir);
    expect(exitCode).toBe(1);
    expect(stdout).toContain(
      `DAMAGE corrupt-batch ${file} at position ${segment.positions[1]}: CRC-32C mismatch`,
    );
    expect(stdout).toMatch(/: 1 problem\n$/);
  });

  it('reports with --json for scripts', async () => {
    await twoPartitions();
    const file = join(dir, 'orders-0', '00000000000000000000.log');
    const segment = buildSegment(0, [recordsOf(3, 'a'), recordsOf(2, 'b')]);
    await writeFile(file, segment.log.subarray(0, segment.log.length - 1));
    const { stdout, exitCode } = await runCli('log', 'verify', dir, '--json');
    expect(exitCode).toBe(1);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ partitions: 2, segments: 2 });
    expect(report.damage).toContainEqual(
      expect.objectContaining({ kind: 'torn-tail', file, position: segment.positions[1] }),
    );
  });

  it('uses --log-dir, then SLUICE_LOG_DIR, when no directory is given', async () => {
    await twoPartitions();
    expect((await runCli('log', 'verify', '--log-dir', dir)).stdout).toMatch(/verified 2 partitions/);
    process.env.SLUICE_LOG_DIR = dir;
    expect((await runCli('log', 'verify')).stdout).toMatch(/verified 2 partitions/);
  });

  it('fails with one line for a directory that does not exist', async () => {
    const { stderr, exitCode } = await runCli('log', 'verify', join(dir, 'nope'));
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(/^sluice: .*nope is not a directory that can be read\n$/);
  });

  it('sets the process exit code: 0 when sound, 1 when damaged (a real process)', async () => {
    await twoPartitions();
    const script =
      "import { main } from './src/cli/main.ts'; await main(['node', 'sluice', ...process.argv.slice(1)]);";
    const run = () =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script, 'log', 'verify', dir],
        { encoding: 'utf8', timeout: 120_000 },
      );
    const sound = run();
    expect(sound.status).toBe(0);
    expect(sound.stdout).toContain('no damage');
    await writeFile(join(dir, 'orders-0', '00000000000000000000.log'), Buffer.alloc(100));
    const damaged = run();
    expect(damaged.status).toBe(1);
    expect(damaged.stdout).toContain('DAMAGE torn-tail');
    // Two real processes that compile the CLI on start: allow for a slow, busy machine.
  }, 120_000);

  it('has --help with an example', async () => {
    const { stdout, exitCode } = await runCli('log', 'verify', '--help');
    expect(exitCode).toBe(0);
    expect(stdout).toContain('Example:\n  $ sluice log verify .sluice/data');
  });

  it('refuses an unknown option with a usage error', async () => {
    const { stderr, exitCode } = await runCli('log', 'verify', dir, '--frobnicate');
    expect(exitCode).not.toBe(0);
    expect(stderr).toContain("unknown option '--frobnicate'");
  });
});
