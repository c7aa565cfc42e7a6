import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger, openLog, records, tempDir } from './helpers.js';

const SEGMENT = '00000000000000000000.log';

/** Lines the log wrote at warn level or above. */
const warnings = (lines: Record<string, unknown>[]) => lines.filter((l) => (l.level as number) >= 40);

describe('log › recovery', () => {
  let dir: string;
  let partDir: string;
  beforeEach(() => {
    dir = tempDir();
    partDir = path.join(dir, 't-0');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Writes 5 batches of 10 records, closes, and removes the clean-shutdown marker as a crash would. */
  async function crashedLog(options: { segmentBytes?: number } = {}): Promise<number[]> {
    const log = await openLog(dir);
    await log.createTopic('t', {
      config: { 'segment.bytes': options.segmentBytes ?? 1 << 30, 'index.interval.bytes': 100 },
    });
    const ends: number[] = [];
    for (let i = 0; i < 5; i++) {
      await log.append('t', 0, records(10, i * 10));
      ends.push(fs.statSync(path.join(partDir, SEGMENT)).size);
    }
    await log.close();
    fs.rmSync(path.join(dir, '.kafka_cleanshutdown'));
    return ends;
  }

  async function reopen() {
    const { logger, lines } = memoryLogger();
    const log = await openLog(dir, { logger });
    return { log, lines };
  }

  it('cuts a batch torn mid-write and says how many bytes went', async () => {
    const ends = await crashedLog();
    fs.truncateSync(path.join(partDir, SEGMENT), ends[4]! - 20);
    const { log, lines } = await reopen();
    expect(log.offsets('t', 0)).toEqual({ logStartOffset: 0, highWatermark: 40, lastStableOffset: 40 });
    const cut = ends[4]! - 20 - ends[3]!;
    expect(warnings(lines).map((l) => l.msg)).toContain(
      `truncated ${cut} bytes of a torn or corrupt tail from ${path.join(partDir, SEGMENT)} at position ${ends[3]}`,
    );
    expect(fs.statSync(path.join(partDir, SEGMENT)).size).toBe(ends[3]);
    // Appends continue at the first lost offset.
    expect((await log.append('t', 0, records(1, 40))).baseOffset).toBe(40);
    await log.close();
  });

  it('treats a zero-filled tail (a power loss) as the end of the log', async () => {
    const ends = await crashedLog();
    fs.appendFileSync(path.join(partDir, SEGMENT), Buffer.alloc(4096));
    const { log, lines } = await reopen();
    expect(log.offsets('t', 0).highWatermark).toBe(50);
    expect(warnings(lines).find((l) => l.truncatedBytes === 4096)).toBeDefined();
    const { records: read } = await log.readRecords('t', 0, 0, { maxBytes: 1 << 20 });
    expect(read.map((r) => r.value!.toString())).toEqual(records(50).map((r) => r.value!.toString()));
    expect(fs.statSync(path.join(partDir, SEGMENT)).size).toBe(ends[4]);
    await log.close();
  });

  it('cuts a tail batch whose CRC does not match', async () => {
    const ends = await crashedLog();
    const file = path.join(partDir, SEGMENT);
    const bytes = fs.readFileSync(file);
    bytes[ends[4]! - 3]! ^= 0xff; // a byte of the last record's value
    fs.writeFileSync(file, bytes);
    const { log, lines } = await reopen();
    expect(log.offsets('t', 0).highWatermark).toBe(40);
    expect(warnings(lines).some((l) => String(l.reason).includes('CRC-32C mismatch'))).toBe(true);
    const { records: read } = await log.readRecords('t', 0, 30);
    expect(read.map((r) => r.offset)).toEqual(Array.from({ length: 10 }, (_, i) => 30 + i));
    await log.close();
  });

  it('deletes every segment after a corrupt one', async () => {
    await crashedLog({ segmentBytes: 300 }); // one batch per segment
    expect(fs.readdirSync(partDir).filter((f) => f.endsWith('.log'))).toHaveLength(5);
    fs.rmSync(path.join(dir, 'recovery-point-offset-checkpoint')); // recover every segment
    const second = path.join(partDir, '00000000000000000010.log');
    fs.truncateSync(second, fs.statSync(second).size - 1);
    const { log, lines } = await reopen();
    expect(log.offsets('t', 0).highWatermark).toBe(10);
    expect(fs.readdirSync(partDir).filter((f) => f.endsWith('.log'))).toEqual([
      '00000000000000000000.log',
      '00000000000000000010.log',
    ]);
    expect(
      warnings(lines).some((l) => l.msg === 'deleting segments after a corrupt tail' && l.segments === 3),
    ).toBe(true);
    await log.close();
  });

  it('rebuilds a deleted index, byte for byte', async () => {
    await crashedLog();
    const indexFile = path.join(partDir, '00000000000000000000.index');
    const timeFile = path.join(partDir, '00000000000000000000.timeindex');
    const index = fs.readFileSync(indexFile);
    const timeIndex = fs.readFileSync(timeFile);
    expect(index.length).toBeGreaterThan(0);
    fs.rmSync(indexFile);
    fs.writeFileSync(timeFile, 'garbage');
    fs.writeFileSync(path.join(dir, '.kafka_cleanshutdown'), ''); // even after a clean stop
    const { log } = await reopen();
    const { records: read } = await log.readRecords('t', 0, 25, { maxBytes: 1 });
    expect(read[0]!.offset).toBe(25);
    await log.close();
    expect(fs.readFileSync(indexFile)).toEqual(index);
    expect(fs.readFileSync(timeFile)).toEqual(timeIndex);
  });

  it('trusts a cleanly closed log without re-reading it', async () => {
    await crashedLog();
    fs.writeFileSync(path.join(dir, '.kafka_cleanshutdown'), '');
    const { log, lines } = await reopen();
    expect(warnings(lines)).toEqual([]);
    expect(fs.existsSync(path.join(dir, '.kafka_cleanshutdown'))).toBe(false); // until the next clean close
    expect(log.offsets('t', 0).highWatermark).toBe(50);
    await log.close();
    expect(fs.existsSync(path.join(dir, '.kafka_cleanshutdown'))).toBe(true);
  });

  it('removes files a crash left mid-write', async () => {
    await crashedLog();
    fs.writeFileSync(path.join(partDir, '00000000000000000000.log.cleaned'), 'x');
    fs.writeFileSync(path.join(partDir, '00000000000000000007.log.deleted'), 'x');
    fs.mkdirSync(path.join(dir, 'old-0.abc-delete'));
    const { log } = await reopen();
    expect(fs.readdirSync(partDir).sort()).toEqual([
      '00000000000000000000.index',
      '00000000000000000000.log',
      '00000000000000000000.timeindex',
    ]);
    expect(fs.existsSync(path.join(dir, 'old-0.abc-delete'))).toBe(false);
    await log.close();
  });
});
