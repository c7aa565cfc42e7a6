import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../src/log/codec/record-batch.js';
import { buildSegment, recordsOf, writeSegment } from '../log/tools/segment-fixtures.js';
import { runCli } from './run-cli.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-cli-log-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('cli › log dump', () => {
  it('prints each batch of a .log with its offsets, size and CRC validity', async () => {
    const segment = buildSegment(0, [recordsOf(3, 'a'), recordsOf(2, 'b')]);
    const base = await writeSegment(join(dir, 'orders-0'), 0, segment);
    const { stdout, exitCode } = await runCli('log', 'dump', `${base}.log`);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('position: 0 baseOffset: 0 lastOffset: 2 count: 3');
    expect(stdout).toContain(`position: ${segment.positions[1]} baseOffset: 3 lastOffset: 4 count: 2`);
    expect(stdout).toMatch(/crcValid: true .* producerId: -1 producerEpoch: -1 baseSequence: -1/);
    expect(stdout).toContain(`2 batches, ${segment.log.length} bytes`);
    expect(stdout).not.toContain('| offset');
  });

  it('prints records with --records: text when UTF-8, base64 otherwise, with headers', async () => {
    const batch = encodeRecordBatch(
      [
        {
          key: Buffer.from('k1'),
          value: Buffer.from('hello\nworld'),
          timestamp: 5,
          headers: [{ key: 'h', value: null }],
        },
        { key: null, value: Buffer.from([0xff, 0x00, 0xfe]), timestamp: 6 },
      ],
      { now: 1 },
    );
    const file = join(dir, '00000000000000000000.log');
    await writeFile(file, batch);
    const { stdout, exitCode } = await runCli('log', 'dump', file, '--records');
    expect(exitCode).toBe(0);
    expect(stdout).toContain('| offset: 0 timestamp: 5 key: "k1" value: "hello\\nworld" headers: ["h"=null]');
    expect(stdout).toContain('| offset: 1 timestamp: 6 key: null value: base64:/wD+ headers: []');
  });

  it('reads the file inside --log-dir when given a relative path', async () => {
    const segment = buildSegment(0, [recordsOf(1, 'r')]);
    await writeSegment(join(dir, 'orders-3'), 0, segment);
    const { stdout, exitCode } = await runCli(
      'log',
      'dump',
      '--log-dir',
      dir,
      'orders-3/00000000000000000000.index',
    );
    expect(exitCode).toBe(0);
    expect(stdout).toContain('offset: 0 (relative 0) position: 0');
  });

  it('prints JSON lines with --json, ending with a summary', async () => {
    const segment = buildSegment(7, [recordsOf(2, 'j')]);
    const base = await writeSegment(dir, 7, segment);
    const { stdout, exitCode } = await runCli('log', 'dump', `${base}.log`, '--json', '--records');
    expect(exitCode).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ type: 'batch', baseOffset: 7, lastOffset: 8, count: 2, crcValid: true });
    expect(lines[0].records[1]).toMatchObject({ offset: 8, value: { encoding: 'utf8', text: 'j-value-1' } });
    expect(lines[1]).toMatchObject({ type: 'end', kind: 'log', baseOffset: 7, items: 1, problem: null });
  });

  it('prints .index entries with absolute offsets from the file name, and .timeindex entries', async () => {
    const segment = buildSegment(100, [recordsOf(3, 'x'), recordsOf(4, 'y')]);
    const base = await writeSegment(dir, 100, segment);
    const index = await runCli('log', 'dump', `${base}.index`);
    expect(index.exitCode).toBe(0);
    expect(index.stdout).toContain('offset: 100 (relative 0) position: 0');
    expect(index.stdout).toContain(`offset: 103 (relative 3) position: ${segment.positions[1]}`);
    const time = await runCli('log', 'dump', `${base}.timeindex`, '--json');
    const entries = time.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(entries[1]).toMatchObject({ type: 'time-index-entry', timestamp: 1_700_000_000_003, offset: 106 });
  });

  it('reports a torn tail with its position and exits 1', async () => {
    const segment = buildSegment(0, [recordsOf(2, 'a'), recordsOf(2, 'b')]);
    const file = join(dir, '00000000000000000000.log');
    await writeFile(file, segment.log.subarray(0, segment.log.length - 5));
    const { stdout, exitCode } = await runCli('log', 'dump', file);
    expect(exitCode).toBe(1);
    expect(stdout).toContain(`damage at position ${segment.positions[1]}: batch of`);
    expect(stdout).toContain('(a torn write)');
  });

  it('shows a batch with a bad CRC as invalid and goes on to the next', async () => {
    const segment = buildSegment(0, [recordsOf(2, 'a'), recordsOf(2, 'b')]);
    segment.log[segment.positions[1] - 3] ^= 0xff;
    const file = join(dir, '00000000000000000000.log');
    await writeFile(file, segment.log);
    const { stdout, exitCode } = await runCli('log', 'dump', file);
    expect(exitCode).toBe(1);
    expect(stdout).toMatch(/position: 0 .*crcValid: false/);
    expect(stdout).toContain('damage: CRC-32C mismatch');
    expect(stdout).toMatch(/baseOffset: 2 lastOffset: 3 .*crcValid: true/);
  });

  it('fails with one line for a missing file or a file that is not a segment', async () => {
    const missing = await runCli('log', 'dump', join(dir, 'nope.log'));
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/^sluice: .*nope\.log is not a file that can be read\n$/);
    const other = join(dir, 'notes.txt');
    await writeFile(other, 'x');
    const wrong = await runCli('log', 'dump', other);
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toMatch(
      /^sluice: .*notes\.txt is not a segment file; give a \.log, \.index or \.timeindex file\n$/,
    );
  });

  it('has --help with an example', async () => {
    const { stdout, exitCode } = await runCli('log', 'dump', '--help');
    expect(exitCode).toBe(0);
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('sluice log dump');
  });
});
