import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeBatches, encodeRecordBatch } from '../../src/log/index.js';
import { batchSize, lastOffsetAt, Segment } from '../../src/log/segment.js';
import { records, tempDir } from './helpers.js';

/** Appends `n` batches of `size` records each, timestamps base + offset; returns the batch sizes. */
function fill(segment: Segment, n: number, size: number, interval: number, base = 1000): number[] {
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) {
    const offset = segment.nextOffset;
    const recs = records(size, offset).map((r, j) => ({ ...r, timestamp: base + offset + j }));
    const batch = encodeRecordBatch(recs, { baseOffset: offset });
    segment.append(batch, interval);
    sizes.push(batch.length);
  }
  return sizes;
}

function batchesIn(buf: Buffer): { first: number; last: number }[] {
  const out: { first: number; last: number }[] = [];
  for (let at = 0; at < buf.length; at += batchSize(buf, at)) {
    out.push({ first: Number(buf.readBigInt64BE(at)), last: lastOffsetAt(buf, at) });
  }
  return out;
}

describe('log › segment', () => {
  let dir: string;
  let segment: Segment;
  beforeEach(() => {
    dir = tempDir();
    segment = Segment.create(dir, 0);
  });
  afterEach(() => {
    segment.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is named by its 20-digit base offset, with its two indexes', () => {
    const other = Segment.create(dir, 42);
    other.close();
    expect(fs.readdirSync(dir).sort()).toEqual([
      '00000000000000000000.index',
      '00000000000000000000.log',
      '00000000000000000000.timeindex',
      '00000000000000000042.index',
      '00000000000000000042.log',
      '00000000000000000042.timeindex',
    ]);
  });

  it('appends batches back to back and tracks offsets, size and timestamps', () => {
    const sizes = fill(segment, 3, 10, 4096);
    expect(segment.nextOffset).toBe(30);
    expect(segment.size).toBe(sizes[0]! + sizes[1]! + sizes[2]!);
    expect(fs.statSync(path.join(dir, '00000000000000000000.log')).size).toBe(segment.size);
    expect(segment.maxTimestamp).toBe(1029);
  });

  it('adds an index entry once more than index.interval.bytes were appended since the last', () => {
    const sizes = fill(segment, 10, 10, 100); // each batch is larger than 100 bytes
    expect(sizes[0]).toBeGreaterThan(100);
    // The first batch is never indexed (position 0 is implied); every later one is.
    expect(segment.index.entries).toBe(9);
    // Entries are keyed by the batch's last offset, as Kafka's are.
    expect(segment.index.lookup(19)).toBe(sizes[0]);
    expect(segment.index.lookup(18)).toBe(0);
    expect(segment.index.lookup(29)).toBe(sizes[0]! + sizes[1]!);
    expect(segment.timeIndex.entries).toBe(9);
  });

  it('reads whole batches from the one holding the offset, up to maxBytes', async () => {
    const sizes = fill(segment, 20, 10, 1000);
    const all = await segment.read(0, 1 << 20);
    expect(all!.length).toBe(segment.size);
    const some = await segment.read(55, sizes[5]! * 2);
    expect(batchesIn(some!)).toEqual([
      { first: 50, last: 59 },
      { first: 60, last: 69 },
    ]);
    const records = decodeBatches(some!, { fromOffset: 55 });
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: 15 }, (_, i) => 55 + i));
    expect(records[0]!.value!.toString()).toBe('v55');
  });

  it('returns at least one whole batch even when it is larger than maxBytes', async () => {
    fill(segment, 2, 100, 4096);
    const one = await segment.read(0, 10);
    expect(batchesIn(one!)).toEqual([{ first: 0, last: 99 }]);
  });

  it('reads each byte about once as readers go on where they stopped, interleaved and seeking back', async () => {
    // Batches of 1,000 records (about 14 KB) and a few small ones between, read 4 KB at a time: every batch is
    // bigger than a fetch, and the index names a batch by its last offset, one batch before the one wanted.
    for (let i = 0; i < 30; i++) fill(segment, 1, i % 3 === 2 ? 3 : 1000, 4096);
    const expected = decodeBatches((await segment.read(0, 1 << 30))!, {}).map((r) => r.value!.toString());
    const read = vi.spyOn(fs, 'read');
    const bytesRead = () =>
      read.mock.calls.reduce((sum, call) => sum + ((call as unknown[])[3] as number), 0);
    const readers = [0, 0];
    const seen: string[][] = [[], []];
    for (let turn = 0; readers.some((next) => next < segment.nextOffset); turn++) {
      const r = turn % 2;
      if (readers[r]! >= segment.nextOffset) continue;
      const got = decodeBatches((await segment.read(readers[r]!, 4096))!, { fromOffset: readers[r]! });
      seen[r]!.push(...got.map((x) => x.value!.toString()));
      readers[r] = got[got.length - 1]!.offset + 1;
    }
    expect(seen).toEqual([expected, expected]);
    // Two readers, so twice the segment, and the first batch each read twice.
    expect(bytesRead()).toBeLessThan(2.2 * segment.size);
    // A reader that seeks back is served from the index as before.
    const again = decodeBatches((await segment.read(1500, 4096))!, { fromOffset: 1500 });
    expect(again[0]!.offset).toBe(1500);
    expect(again[0]!.value!.toString()).toBe(expected[1500]);
    read.mockRestore();
  });

  it('returns null past its last offset', async () => {
    fill(segment, 1, 5, 4096);
    expect(await segment.read(5, 1000)).toBeNull();
  });

  it('finds the first offset at or after a timestamp', async () => {
    fill(segment, 50, 10, 200);
    expect(await segment.offsetForTime(0, 0)).toBe(0);
    expect(await segment.offsetForTime(1000 + 123, 0)).toBe(123);
    expect(await segment.offsetForTime(1000 + 499, 0)).toBe(499);
    expect(await segment.offsetForTime(1000 + 500, 0)).toBeNull();
    expect(await segment.offsetForTime(1000 + 5, 300)).toBe(300);
  });

  it('persists the indexes it built in memory', async () => {
    fill(segment, 10, 10, 100);
    await segment.persistIndexes(true);
    expect(fs.statSync(path.join(dir, '00000000000000000000.index')).size).toBe(9 * 8);
    expect(fs.statSync(path.join(dir, '00000000000000000000.timeindex')).size).toBe(9 * 12);
  });
});
