import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TimeIndex } from '../../src/log/time-index.js';
import { tempDir } from './helpers.js';

describe('log › time index', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = tempDir();
    file = path.join(dir, '00000000000000000010.timeindex');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes 12-byte big-endian entries of timestamp and relative offset', async () => {
    const index = TimeIndex.create(file, 10);
    index.maybeAppend(1_700_000_000_000, 15);
    index.write();
    await index.sync();
    index.close();
    expect(fs.readFileSync(file).toString('hex')).toBe('0000018bcfe56800' + '00000005');
  });

  it('only moves forward in time', () => {
    const index = TimeIndex.create(file, 10);
    index.maybeAppend(1000, 12);
    index.maybeAppend(1000, 14);
    index.maybeAppend(900, 16);
    index.maybeAppend(2000, 18);
    expect(index.entries).toBe(2);
    expect(index.lastTimestamp()).toBe(2000);
    expect(index.lastOffset()).toBe(18);
  });

  it('says where records at or after a time can start', () => {
    const index = TimeIndex.create(file, 10);
    expect(index.startOffsetFor(5)).toBe(10);
    index.maybeAppend(1000, 12); // records up to 12 are at most 1000
    index.maybeAppend(2000, 20);
    expect(index.startOffsetFor(1000)).toBe(10);
    expect(index.startOffsetFor(1001)).toBe(13);
    expect(index.startOffsetFor(2000)).toBe(13);
    expect(index.startOffsetFor(5000)).toBe(21);
  });

  it('refuses files whose timestamps go backwards', () => {
    const bad = Buffer.alloc(24);
    bad.writeBigInt64BE(2000n, 0);
    bad.writeBigInt64BE(1000n, 12);
    fs.writeFileSync(file, bad);
    expect(TimeIndex.load(file, 10)).toBeNull();
    fs.writeFileSync(file, Buffer.alloc(13));
    expect(TimeIndex.load(file, 10)).toBeNull();
  });
});
