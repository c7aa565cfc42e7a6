import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchSizeAt, readBatchHeader, verifyLogDir } from '../../src/log/index.js';
import { type Ack, checkPartition, runWriterUntilKilled } from './crash-harness.js';
import { CRASH_TOPIC } from './fixtures/crash-shared.js';
import { memoryLogger, openLog, tempDir } from './helpers.js';

/** A log the writer left after a kill (no clean shutdown), with many small segments in partition 0. */
let pristine: string;
let acks: Ack[];
const copies: string[] = [];

interface BatchAt {
  position: number;
  size: number;
  baseOffset: number;
}

const partitionDir = (dir: string) => path.join(dir, `${CRASH_TOPIC}-0`);

function segments(dir: string): string[] {
  return fs
    .readdirSync(partitionDir(dir))
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => path.join(partitionDir(dir), f));
}

function batchesOf(file: string): BatchAt[] {
  const buf = fs.readFileSync(file);
  const out: BatchAt[] = [];
  for (let position = 0; position < buf.length; ) {
    const size = batchSizeAt(buf, position);
    out.push({ position, size, baseOffset: readBatchHeader(buf, position).baseOffset });
    position += size;
  }
  return out;
}

/** A fresh copy of the crashed log to damage. */
function copy(): string {
  const dir = tempDir('sluice-damage-');
  fs.cpSync(pristine, dir, { recursive: true });
  copies.push(dir);
  return dir;
}

/**
 * Opens the damaged log and checks that it recovered: the log ends at `end`, every acknowledged append below it
 * is intact, nothing after it is returned, and the directory verifies clean. Returns the recovery's log lines.
 */
async function expectRecoveredTo(dir: string, end: number): Promise<Record<string, unknown>[]> {
  const { logger, lines } = memoryLogger();
  const log = await openLog(dir, { logger });
  try {
    const survivors = acks.filter((a) => a.last < end);
    expect(await checkPartition(log, 0, survivors)).toBe(end);
  } finally {
    await log.close();
  }
  expect((await verifyLogDir(dir)).damage).toEqual([]);
  return lines;
}

const flipByte = (file: string, position: number) => {
  const fd = fs.openSync(file, 'r+');
  const b = Buffer.alloc(1);
  fs.readSync(fd, b, 0, 1, position);
  b[0] ^= 0x5a;
  fs.writeSync(fd, b, 0, 1, position);
  fs.closeSync(fd);
};

describe('log › crash: damaged files after an unclean stop', () => {
  beforeAll(async () => {
    pristine = tempDir('sluice-damage-pristine-');
    ({ acks } = await runWriterUntilKilled(pristine, ['--batches', '40'], (line) =>
      line === 'done' ? 0 : undefined,
    ));
    expect(acks).toHaveLength(40);
    expect(segments(pristine).length).toBeGreaterThan(3);
  }, 60_000);

  afterAll(() => {
    for (const dir of [pristine, ...copies]) fs.rmSync(dir, { recursive: true, force: true });
  });

  const end = () => acks[acks.length - 1].last + 1;

  it('recovers the undamaged log as it was', async () => {
    await expectRecoveredTo(copy(), end());
  });

  it('cuts a tail batch with flipped bytes and keeps everything before it', async () => {
    const dir = copy();
    const file = segments(dir).at(-1)!;
    const last = batchesOf(file).at(-1)!;
    flipByte(file, last.position + last.size - 3);
    expect((await verifyLogDir(dir)).damage.length).toBeGreaterThan(0);
    const lines = await expectRecoveredTo(dir, last.baseOffset);
    expect(fs.statSync(file).size).toBe(last.position);
    expect(lines.some((l) => /\d+ bytes/.test(String(l.msg)))).toBe(true);
  });

  it('cuts a segment cut off mid-batch back to the last whole batch', async () => {
    const dir = copy();
    const file = segments(dir).at(-1)!;
    const last = batchesOf(file).at(-1)!;
    fs.truncateSync(file, last.position + Math.floor(last.size / 2));
    await expectRecoveredTo(dir, last.baseOffset);
    expect(fs.statSync(file).size).toBe(last.position);
  });

  it('treats a zero-filled tail (a power loss) as the end of the log', async () => {
    const dir = copy();
    const file = segments(dir).at(-1)!;
    const size = fs.statSync(file).size;
    fs.appendFileSync(file, Buffer.alloc(64 * 1024));
    await expectRecoveredTo(dir, end());
    expect(fs.statSync(file).size).toBe(size);
  });

  it('cuts at flipped bytes in an older segment and drops every segment after it', async () => {
    const dir = copy();
    const files = segments(dir);
    const middle = files[Math.floor(files.length / 2)];
    const batch = batchesOf(middle)[0];
    flipByte(middle, batch.position + batch.size - 1);
    await expectRecoveredTo(dir, batch.baseOffset);
    expect(segments(dir).filter((f) => f > middle)).toEqual([]);
  });

  it('serves reads without deleted index files, and rebuilds the active one entry for entry', async () => {
    const dir = copy();
    const files = segments(dir);
    const [older, active] = [files[1], files.at(-1)!].map((f) => f.replace(/\.log$/, '.index'));
    const activeBefore = fs.readFileSync(active);
    fs.rmSync(older);
    fs.rmSync(active);
    await expectRecoveredTo(dir, end());
    expect(fs.readFileSync(active)).toEqual(activeBefore);
    // Every offset of the older segment is found again, whatever the index holds.
    const log = await openLog(dir);
    try {
      const from = batchesOf(files[1])[0].baseOffset;
      const to = batchesOf(files[2])[0].baseOffset;
      for (let offset = from; offset < to; offset++) {
        const r = await log.readRecords(CRASH_TOPIC, 0, offset, { maxBytes: 1 });
        expect(r.records[0].offset).toBe(offset);
      }
    } finally {
      await log.close();
    }
  });
});
