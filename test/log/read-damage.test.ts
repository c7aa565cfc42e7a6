import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptRecordError } from '../../src/errors.js';
import { batchSizeAt, type Log, readBatchHeader, verifyLogDir } from '../../src/log/index.js';
import { runCli } from '../cli/run-cli.js';
import { memoryLogger, openLog, records, tempDir } from './helpers.js';

/**
 * Damage to segments a clean shutdown left behind: open trusts them (no recovery scan), so only the read path can
 * catch it. Every read is checked; the damaged batch is isolated, everything else stays readable.
 */
const TOPIC = 'orders';
const BATCHES = 60;
const PER_BATCH = 10;
let pristine: string;
const copies: string[] = [];

interface BatchAt {
  file: string;
  position: number;
  size: number;
  baseOffset: number;
}

function batchesOf(dir: string): BatchAt[] {
  const pdir = path.join(dir, `${TOPIC}-0`);
  const out: BatchAt[] = [];
  for (const name of fs
    .readdirSync(pdir)
    .filter((f) => f.endsWith('.log'))
    .sort()) {
    const file = path.join(pdir, name);
    const buf = fs.readFileSync(file);
    for (let position = 0; position < buf.length; position += batchSizeAt(buf, position)) {
      out.push({
        file,
        position,
        size: batchSizeAt(buf, position),
        baseOffset: readBatchHeader(buf, position).baseOffset,
      });
    }
  }
  return out;
}

function copy(): string {
  const dir = tempDir('sluice-read-damage-');
  fs.cpSync(pristine, dir, { recursive: true });
  copies.push(dir);
  return dir;
}

function patch(file: string, position: number, bytes: Buffer): void {
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, bytes, 0, bytes.length, position);
  fs.closeSync(fd);
}

function flip(file: string, position: number): void {
  const b = fs.readFileSync(file).subarray(position, position + 4);
  patch(file, position, Buffer.from(b.map((x) => x ^ 0xa5)));
}

/** Reads the whole partition as a consumer that seeks past damage would; returns values by offset and damage. */
async function readAll(log: Log): Promise<{ values: Map<number, string>; damage: CorruptRecordError[] }> {
  const values = new Map<number, string>();
  const damage: CorruptRecordError[] = [];
  let offset = 0;
  const end = log.offsets(TOPIC, 0).highWatermark;
  while (offset < end) {
    try {
      const r = await log.readRecords(TOPIC, 0, offset, { maxBytes: 2000 });
      for (const rec of r.records) values.set(rec.offset, rec.value!.toString());
      offset = r.nextOffset;
    } catch (err) {
      if (!(err instanceof CorruptRecordError)) throw err;
      damage.push(err);
      expect(err.nextOffset).toBeGreaterThan(offset);
      offset = err.nextOffset!;
    }
  }
  return { values, damage };
}

/** Every value a read returned is the one written at that offset, and exactly `lost` offsets are missing. */
function expectExactLoss(values: Map<number, string>, lost: number[]): void {
  for (const [offset, value] of values) expect(value).toBe(`v${offset}`);
  const missing = [];
  for (let o = 0; o < BATCHES * PER_BATCH; o++) if (!values.has(o)) missing.push(o);
  expect(missing).toEqual(lost);
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('log › read: damage in trusted segments', () => {
  beforeAll(async () => {
    pristine = tempDir('sluice-read-damage-pristine-');
    const log = await openLog(pristine);
    await log.createTopic(TOPIC, { config: { 'segment.bytes': 3000, 'index.interval.bytes': 200 } });
    for (let b = 0; b < BATCHES; b++) await log.append(TOPIC, 0, records(PER_BATCH, b * PER_BATCH));
    await log.close();
  });

  afterAll(() => {
    for (const dir of [pristine, ...copies]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads the undamaged log whole', async () => {
    const log = await openLog(copy());
    try {
      const { values, damage } = await readAll(log);
      expect(damage).toEqual([]);
      expectExactLoss(values, []);
    } finally {
      await log.close();
    }
  });

  it('isolates a batch with flipped bytes in the middle of a closed segment', async () => {
    const dir = copy();
    const all = batchesOf(dir);
    expect(new Set(all.map((b) => b.file)).size).toBeGreaterThan(3);
    const victim = all.find(
      (b, i) => i > 0 && all[i - 1]!.file === b.file && all[i + 1]?.file === b.file && i > 10,
    )!;
    flip(victim.file, victim.position + 80);
    const log = await openLog(dir);
    try {
      const { values, damage } = await readAll(log);
      expect(damage).toHaveLength(1);
      expect(damage[0]!.file).toBe(victim.file);
      expect(damage[0]!.position).toBe(victim.position);
      expect(damage[0]!.message).toContain('CRC-32C mismatch');
      expect(damage[0]!.nextOffset).toBe(victim.baseOffset + PER_BATCH);
      expectExactLoss(values, range(victim.baseOffset, PER_BATCH));
      // A read from an offset after the damage in the same segment does not meet it.
      const after = await log.readRecords(TOPIC, 0, victim.baseOffset + PER_BATCH);
      expect(after.records[0]!.value!.toString()).toBe(`v${victim.baseOffset + PER_BATCH}`);
    } finally {
      await log.close();
    }
  });

  it('isolates a flipped last batch of the log', async () => {
    const dir = copy();
    const all = batchesOf(dir);
    const victim = all[all.length - 1]!;
    flip(victim.file, victim.position + 70);
    const log = await openLog(dir);
    try {
      const { values, damage } = await readAll(log);
      expect(damage.map((d) => [d.position, d.nextOffset])).toEqual([[victim.position, BATCHES * PER_BATCH]]);
      expectExactLoss(values, range(victim.baseOffset, PER_BATCH));
    } finally {
      await log.close();
    }
  });

  it('isolates a batch whose length claims 2 GB, and serves every batch after it in the segment', async () => {
    const dir = copy();
    const all = batchesOf(dir);
    const victim = all.find((b, i) => i > 20 && all[i - 1]!.file === b.file && all[i + 3]?.file === b.file)!;
    const huge = Buffer.alloc(4);
    huge.writeInt32BE(0x7fff_fff0);
    patch(victim.file, victim.position + 8, huge);
    const log = await openLog(dir);
    try {
      const { values, damage } = await readAll(log);
      expect(damage).toHaveLength(1);
      expect(damage[0]!.position).toBe(victim.position);
      expect(damage[0]!.message).toMatch(/does not fit/);
      expectExactLoss(values, range(victim.baseOffset, PER_BATCH));
    } finally {
      await log.close();
    }
  });

  it('reports a deleted middle segment at open, and reads of its offsets fail rather than skip silently', async () => {
    const dir = copy();
    const all = batchesOf(dir);
    const files = [...new Set(all.map((b) => b.file))];
    const gone = files[2]!;
    const lost = all.filter((b) => b.file === gone);
    for (const ext of ['.log', '.index', '.timeindex'])
      fs.rmSync(gone.replace(/\.log$/, ext), { force: true });
    const { logger, lines } = memoryLogger();
    const log = await openLog(dir, { logger });
    try {
      const first = lost[0]!.baseOffset;
      const last = lost[lost.length - 1]!.baseOffset + PER_BATCH - 1;
      expect(
        lines.some(
          (l) => l.level === 50 && String(l.msg).includes(`offsets ${first} to ${last} are missing`),
        ),
      ).toBe(true);
      const { values, damage } = await readAll(log);
      expect(damage.map((d) => d.nextOffset)).toEqual([last + 1]);
      expectExactLoss(values, range(first, last - first + 1));
    } finally {
      await log.close();
    }
  });

  it('rebuilds a damaged index of a closed segment and writes it back to disk', async () => {
    const dir = copy();
    const all = batchesOf(dir);
    const closed = all[0]!.file;
    const indexFile = closed.replace(/\.log$/, '.timeindex');
    const good = fs.readFileSync(indexFile);
    expect(good.length).toBeGreaterThan(0);
    fs.writeFileSync(indexFile, Buffer.concat([good, Buffer.from([1, 2, 3])])); // torn: not whole entries
    const log = await openLog(dir);
    try {
      expect(fs.readFileSync(indexFile)).toEqual(good);
      expectExactLoss((await readAll(log)).values, []);
    } finally {
      await log.close();
    }
    expect(fs.readFileSync(indexFile)).toEqual(good);
    expect((await verifyLogDir(dir)).damage).toEqual([]);
  });

  it('makes `sluice consume` fail naming the file and position instead of printing the damaged value', async () => {
    const dir = copy();
    const all = batchesOf(dir);
    const victim = all[5]!;
    // Flip bytes inside a value: the damaged text would still look like a record.
    flip(victim.file, victim.position + 70);
    const r = await runCli('consume', TOPIC, '--log-dir', dir, '--from-beginning', '--no-follow');
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain(victim.file);
    expect(r.stderr).toContain(`position ${victim.position}`);
    const printed = r.stdout.split('\n').filter(Boolean);
    for (const line of printed) expect(line).toMatch(/^v\d+$/);
    expect(printed).toEqual(range(0, victim.baseOffset).map((o) => `v${o}`));
  });
});
