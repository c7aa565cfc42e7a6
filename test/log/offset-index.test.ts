import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OffsetIndex } from '../../src/log/offset-index.js';
import { tempDir } from './helpers.js';

describe('log › offset index', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = tempDir();
    file = path.join(dir, '00000000000000000100.index');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes 8-byte big-endian entries of relative offset and position', async () => {
    const index = OffsetIndex.create(file, 100);
    index.append(105, 4200);
    index.append(300, 9000);
    index.write();
    await index.sync();
    index.close();
    expect(fs.readFileSync(file).toString('hex')).toBe('00000005' + '00001068' + '000000c8' + '00002328');
  });

  it('finds the last entry at or before an offset', () => {
    const index = OffsetIndex.create(file, 100);
    expect(index.lookup(150)).toBe(0);
    index.append(110, 1000);
    index.append(120, 2000);
    index.append(130, 3000);
    expect(index.lookup(100)).toBe(0);
    expect(index.lookup(109)).toBe(0);
    expect(index.lookup(110)).toBe(1000);
    expect(index.lookup(125)).toBe(2000);
    expect(index.lookup(10_000)).toBe(3000);
    expect(index.last()).toEqual({ offset: 130, position: 3000 });
  });

  it('grows past its initial capacity and persists only new entries', async () => {
    const index = OffsetIndex.create(file, 0);
    for (let i = 1; i <= 1000; i++) index.append(i, i * 10);
    index.write();
    index.append(1001, 10010);
    index.write();
    index.close();
    const loaded = OffsetIndex.load(file, 0, 1_000_000)!;
    expect(loaded.entries).toBe(1001);
    expect(loaded.lookup(500)).toBe(5000);
  });

  it('drops entries at or past a truncation point, on disk too', async () => {
    const index = OffsetIndex.create(file, 0);
    for (let i = 1; i <= 5; i++) index.append(i, i * 100);
    index.write();
    index.truncateToPosition(300);
    index.write();
    index.close();
    expect(fs.statSync(file).size).toBe(16);
  });

  it('refuses damaged files so that they get rebuilt', () => {
    fs.writeFileSync(file, Buffer.alloc(7));
    expect(OffsetIndex.load(file, 0, 100)).toBeNull(); // not a whole number of entries
    fs.writeFileSync(file, Buffer.from('00000005000000100000000000000000', 'hex'));
    expect(OffsetIndex.load(file, 0, 100)).toBeNull(); // zero-filled entry after a real one
    fs.writeFileSync(file, Buffer.from('0000000500001000', 'hex'));
    expect(OffsetIndex.load(file, 0, 100)).toBeNull(); // points past the end of the log
    expect(OffsetIndex.load(path.join(dir, 'missing.index'), 0, 100)).toBeNull();
    fs.writeFileSync(file, Buffer.from('0000000500000010', 'hex'));
    expect(OffsetIndex.load(file, 0, 100)?.entries).toBe(1);
  });
});
