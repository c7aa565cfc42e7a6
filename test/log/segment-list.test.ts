import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../src/log/index.js';
import { Segment } from '../../src/log/segment.js';
import { SegmentList } from '../../src/log/segment-list.js';
import { records, tempDir } from './helpers.js';

/** A segment at `base` holding `count` records in one batch, timestamps 1000 + offset. */
function segmentWith(dir: string, base: number, count: number): Segment {
  const segment = Segment.create(dir, base);
  const recs = records(count, base).map((r, i) => ({ ...r, timestamp: 1000 + base + i }));
  segment.append(encodeRecordBatch(recs, { baseOffset: base }), 4096);
  return segment;
}

describe('log › segment list', () => {
  let dir: string;
  let list: SegmentList;
  beforeEach(() => {
    dir = tempDir();
    list = new SegmentList([segmentWith(dir, 0, 10), segmentWith(dir, 10, 10), segmentWith(dir, 20, 10)]);
  });
  afterEach(() => {
    for (const s of list.all) s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads from the segment holding the offset, one segment at a time', async () => {
    const first = await list.read(5, 1 << 20, () => {});
    expect(first.readBigInt64BE(0)).toBe(0n);
    const second = await list.read(10, 1 << 20, () => {});
    expect(second.readBigInt64BE(0)).toBe(10n);
    expect((await list.read(30, 1 << 20, () => {})).length).toBe(0);
  });

  it('moves on to the next segment when one has nothing at or after the offset', async () => {
    // A compacted segment whose offsets end early: 40..41 stored, 42..49 gone.
    const gap = Segment.create(dir, 40);
    gap.append(encodeRecordBatch(records(2), { baseOffset: 40 }), 4096);
    list.add(gap);
    list.add(segmentWith(dir, 50, 3));
    const read = await list.read(45, 1 << 20, () => {});
    expect(read.readBigInt64BE(0)).toBe(50n);
  });

  it('starts over when a segment was retired under a read, after asking whether the offset is still valid', async () => {
    // Segment 0 ends early (as compaction leaves it), so a read at 5 goes on to segment 10 after an await.
    for (const s of list.all) s.close();
    const early = Segment.create(dir, 0);
    early.append(encodeRecordBatch(records(2), { baseOffset: 0 }), 4096);
    const doomed = segmentWith(dir, 10, 10);
    list = new SegmentList([early, doomed, segmentWith(dir, 20, 10)]);
    let asked = 0;
    const pending = list.read(5, 1 << 20, () => asked++);
    // While segment 0 is being read, compaction swaps segment 10 for a copy.
    const copy = Segment.createAt(dir, 10, `${doomed.logFile}.copy`);
    copy.append(encodeRecordBatch(records(3, 10), { baseOffset: 10 }), 4096);
    doomed.delete();
    list.replace([doomed], copy);
    const read = await pending;
    expect(asked).toBe(1);
    expect(read.readBigInt64BE(0)).toBe(10n);
    expect(read.readInt32BE(57)).toBe(3); // the copy's batch, not the retired one's
  });

  it('finds offsets by time across segments, from a start offset', async () => {
    expect(await list.offsetForTime(1015, 0)).toBe(15);
    expect(await list.offsetForTime(0, 12)).toBe(12);
    expect(await list.offsetForTime(5000, 0)).toBeNull();
  });

  it('replaces consecutive segments with one, keeping the rest in order', () => {
    const [a, b, c] = list.all;
    const merged = Segment.create(dir, 0);
    list.replace([a!, b!], merged);
    expect(list.all).toEqual([merged, c]);
    a!.close();
    b!.close();
  });

  it('measures how much of the non-active bytes is dirty', () => {
    const [a, b] = list.all;
    expect(list.dirtiness(0)).toEqual({ ratio: 1, dirtyBytes: a!.size + b!.size });
    expect(list.dirtiness(10)).toEqual({ ratio: b!.size / (a!.size + b!.size), dirtyBytes: b!.size });
    expect(list.dirtiness(20).dirtyBytes).toBe(0);
  });
});
