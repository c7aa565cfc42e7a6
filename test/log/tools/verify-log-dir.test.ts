import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/errors.js';
import { verifyLogDir } from '../../../src/log/tools/verify-log-dir.js';
import { type BuiltSegment, buildSegment, recordsOf, writeSegment } from './segment-fixtures.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-verify-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A healthy partition of two segments: offsets 0-4 (two batches) and 5-7 (two batches). */
async function healthyPartition(
  partitionDir: string,
): Promise<{ first: BuiltSegment; second: BuiltSegment }> {
  const first = buildSegment(0, [recordsOf(3, 'a'), recordsOf(2, 'b')]);
  const second = buildSegment(5, [recordsOf(1, 'c'), recordsOf(2, 'd', 1_700_000_100_000)]);
  await writeSegment(partitionDir, 0, first);
  await writeSegment(partitionDir, 5, second);
  return { first, second };
}

const segmentPath = (partitionDir: string, base: number, ext: string) =>
  join(partitionDir, `${String(base).padStart(20, '0')}.${ext}`);

describe('log › tools › verify log dir', () => {
  it('finds no damage in a healthy log and counts what it checked', async () => {
    await healthyPartition(join(dir, 'orders-0'));
    await healthyPartition(join(dir, 'orders-1'));
    await writeFile(join(dir, 'recovery-point-offset-checkpoint'), '0\n0\n');
    const report = await verifyLogDir(dir);
    expect(report.damage).toEqual([]);
    expect(report).toMatchObject({ partitions: 2, segments: 4, batches: 8, records: 16 });
  });

  it('accepts one partition directory directly', async () => {
    await healthyPartition(join(dir, 'orders-0'));
    const report = await verifyLogDir(join(dir, 'orders-0'));
    expect(report).toMatchObject({ partitions: 1, segments: 2, batches: 4, damage: [] });
  });

  it('reports a flipped byte as a corrupt batch at its position, and checks the batches after it', async () => {
    const partition = join(dir, 't-0');
    const { first } = await healthyPartition(partition);
    first.log[first.positions[1] + 70] ^= 0x01;
    await writeFile(segmentPath(partition, 0, 'log'), first.log);
    const report = await verifyLogDir(dir);
    expect(report.damage).toEqual([
      expect.objectContaining({
        kind: 'corrupt-batch',
        file: segmentPath(partition, 0, 'log'),
        position: first.positions[1],
        message: expect.stringMatching(/CRC-32C mismatch/),
      }),
    ]);
    expect(report.batches).toBe(4);
  });

  it('reports a segment cut mid-batch, and the index entry that now points past the end', async () => {
    const partition = join(dir, 't-0');
    const { second } = await healthyPartition(partition);
    await writeFile(segmentPath(partition, 5, 'log'), second.log.subarray(0, second.log.length - 10));
    const report = await verifyLogDir(dir);
    expect(report.damage).toContainEqual(
      expect.objectContaining({
        kind: 'torn-tail',
        position: second.positions[1],
        file: segmentPath(partition, 5, 'log'),
      }),
    );
    expect(report.damage).toContainEqual(
      expect.objectContaining({ kind: 'index-entry', file: segmentPath(partition, 5, 'index'), position: 8 }),
    );
  });

  it('treats a zero-filled tail (a power loss) as damage at the first zero byte', async () => {
    const partition = join(dir, 't-0');
    const { second } = await healthyPartition(partition);
    await writeFile(segmentPath(partition, 5, 'log'), Buffer.concat([second.log, Buffer.alloc(4096)]));
    const report = await verifyLogDir(dir);
    expect(report.damage).toEqual([
      expect.objectContaining({
        kind: 'torn-tail',
        position: second.log.length,
        message: expect.stringMatching(/batch length 0 is under the minimum of 49; 4096 bytes/),
      }),
    ]);
  });

  it('reports index entries that do not point at the start of a batch holding their offset', async () => {
    const partition = join(dir, 't-0');
    const { first } = await healthyPartition(partition);
    const index = Buffer.from(first.index);
    index.writeInt32BE(first.positions[1] + 1, 12); // second entry: a position inside a batch
    await writeFile(segmentPath(partition, 0, 'index'), index);
    let report = await verifyLogDir(dir);
    expect(report.damage).toEqual([
      expect.objectContaining({
        kind: 'index-entry',
        position: 8,
        message: expect.stringMatching(/not the start of a batch/),
      }),
    ]);
    index.writeInt32BE(first.positions[1], 12);
    index.writeInt32BE(1, 8); // offset 1 is in the first batch, not the one at that position
    await writeFile(segmentPath(partition, 0, 'index'), index);
    report = await verifyLogDir(dir);
    expect(report.damage).toEqual([
      expect.objectContaining({
        kind: 'index-entry',
        message: expect.stringMatching(/holds offsets 3 to 4/),
      }),
    ]);
  });

  it('ignores zero-filled preallocated index entries, but reports a torn entry', async () => {
    const partition = join(dir, 't-0');
    const { first } = await healthyPartition(partition);
    await writeFile(segmentPath(partition, 0, 'index'), Buffer.concat([first.index, Buffer.alloc(80)]));
    expect((await verifyLogDir(dir)).damage).toEqual([]);
    await writeFile(segmentPath(partition, 0, 'index'), Buffer.concat([first.index, Buffer.alloc(3)]));
    expect((await verifyLogDir(dir)).damage).toEqual([
      expect.objectContaining({ kind: 'torn-index', file: segmentPath(partition, 0, 'index') }),
    ]);
  });

  it('reports time index timestamps going backwards and offsets outside the segment', async () => {
    const partition = join(dir, 't-0');
    const { second } = await healthyPartition(partition);
    const timeindex = Buffer.from(second.timeindex);
    timeindex.writeBigInt64BE(1n, 12);
    await writeFile(segmentPath(partition, 5, 'timeindex'), timeindex);
    expect((await verifyLogDir(dir)).damage).toEqual([
      expect.objectContaining({
        kind: 'time-index-entry',
        position: 12,
        message: expect.stringMatching(/earlier/),
      }),
    ]);
    const outside = Buffer.from(second.timeindex);
    outside.writeInt32BE(50, 20);
    await writeFile(segmentPath(partition, 5, 'timeindex'), outside);
    expect((await verifyLogDir(dir)).damage).toEqual([
      expect.objectContaining({
        kind: 'time-index-entry',
        message: expect.stringMatching(/outside the segment's offsets 5 to 7/),
      }),
    ]);
  });

  it('reports offsets that go backwards or skip across segments; --allow-gaps accepts the skip', async () => {
    const partition = join(dir, 't-0');
    await writeSegment(partition, 0, buildSegment(0, [recordsOf(3, 'a')]));
    await writeSegment(partition, 10, buildSegment(10, [recordsOf(1, 'b')]));
    expect((await verifyLogDir(dir)).damage).toEqual([
      expect.objectContaining({ kind: 'offset-gap', message: 'offsets 3 to 9 are missing', position: 0 }),
    ]);
    expect((await verifyLogDir(dir, { allowGaps: true })).damage).toEqual([]);
    const overlapping = buildSegment(2, [recordsOf(2, 'c')]);
    await writeSegment(partition, 2, overlapping);
    const report = await verifyLogDir(dir, { allowGaps: true });
    expect(report.damage).toEqual([
      expect.objectContaining({
        kind: 'offset-order',
        file: segmentPath(partition, 2, 'log'),
        message: expect.stringMatching(/not after 2/),
      }),
    ]);
  });

  it('notes a missing index and reports an index without its segment', async () => {
    const partition = join(dir, 't-0');
    await healthyPartition(partition);
    await unlink(segmentPath(partition, 0, 'index'));
    await writeFile(segmentPath(partition, 9, 'timeindex'), Buffer.alloc(0));
    const report = await verifyLogDir(dir);
    expect(report.notes).toContain(
      `${segmentPath(partition, 0, 'log')} has no .index (rebuilt when the log opens)`,
    );
    expect(report.damage).toEqual([
      expect.objectContaining({ kind: 'orphan-index', file: segmentPath(partition, 9, 'timeindex') }),
    ]);
  });

  it('throws BadInputError for a directory that cannot be read', async () => {
    await expect(verifyLogDir(join(dir, 'missing'))).rejects.toBeInstanceOf(BadInputError);
  });
});
