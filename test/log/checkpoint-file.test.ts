import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptRecordError } from '../../src/errors.js';
import {
  type CheckpointEntries,
  formatCheckpoint,
  parseCheckpoint,
  readCheckpoint,
  writeCheckpoint,
} from '../../src/log/checkpoint-file.js';
import { tempDir } from './helpers.js';

const entries: CheckpointEntries = new Map([
  ['orders-0', { topic: 'orders', partition: 0, offset: 1200 }],
  ['orders-1', { topic: 'orders', partition: 1, offset: 1177 }],
]);

describe('log › checkpoint file', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("uses Kafka's text format", () => {
    expect(formatCheckpoint(entries)).toBe('0\n2\norders 0 1200\norders 1 1177\n');
    expect(parseCheckpoint('0\n2\norders 0 1200\norders 1 1177\n', 'f')).toEqual(entries);
  });

  it('replaces the file atomically and leaves no temp file', async () => {
    const file = path.join(dir, 'recovery-point-offset-checkpoint');
    await writeCheckpoint(file, entries);
    await writeCheckpoint(file, new Map([['a-0', { topic: 'a', partition: 0, offset: 5 }]]));
    expect(fs.readdirSync(dir)).toEqual(['recovery-point-offset-checkpoint']);
    expect(readCheckpoint(file).get('a-0')?.offset).toBe(5);
    expect(readCheckpoint(path.join(dir, 'missing')).size).toBe(0);
  });

  it('names the file and line of a malformed entry', () => {
    expect(() => parseCheckpoint('1\n0\n', 'cp')).toThrowError(/cp:1: unknown checkpoint version "1"/);
    expect(() => parseCheckpoint('0\n3\na 0 1\n', 'cp')).toThrowError(/cp:2: entry count "3"/);
    expect(() => parseCheckpoint('0\n1\na zero 1\n', 'cp')).toThrowError(CorruptRecordError);
    expect(() => parseCheckpoint('0\n1\na zero 1\n', 'cp')).toThrowError(/cp:3: expected/);
  });
});
