import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchSizeAt, readBatchHeader, repairLogDir, verifyLogDir } from '../../../src/log/index.js';
import { runCli } from '../../cli/run-cli.js';
import { memoryLogger, openLog, records, tempDir } from '../helpers.js';

/** Damage to copies of a real, cleanly closed log, then what verify and repair say and do about it. */
const TOPIC = 'orders';
const OTHER = 'payments';
const BATCHES = 40;
const PER_BATCH = 10;
let pristine: string;
const copies: string[] = [];

function copy(): string {
  const dir = tempDir('sluice-repair-');
  fs.cpSync(pristine, dir, { recursive: true });
  copies.push(dir);
  return dir;
}

function batchesOf(dir: string) {
  const pdir = path.join(dir, `${TOPIC}-0`);
  const out: { file: string; position: number; baseOffset: number }[] = [];
  for (const name of fs
    .readdirSync(pdir)
    .filter((f) => f.endsWith('.log'))
    .sort()) {
    const file = path.join(pdir, name);
    const buf = fs.readFileSync(file);
    for (let position = 0; position < buf.length; position += batchSizeAt(buf, position))
      out.push({ file, position, baseOffset: readBatchHeader(buf, position).baseOffset });
  }
  return out;
}

function patch(file: string, position: number, bytes: Buffer): void {
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, bytes, 0, bytes.length, position);
  fs.closeSync(fd);
}

/** Values read from the whole partition, which must come back without any error. */
async function readValues(dir: string, topic = TOPIC): Promise<string[]> {
  const log = await openLog(dir);
  try {
    const values: string[] = [];
    let offset = 0;
    const end = log.offsets(topic, 0).highWatermark;
    while (offset < end) {
      const r = await log.readRecords(topic, 0, offset);
      values.push(...r.records.map((x) => x.value!.toString()));
      offset = r.nextOffset;
    }
    return values;
  } finally {
    await log.close();
  }
}

const all = (n: number, skip: number[] = []) =>
  Array.from({ length: n }, (_, i) => `v${i}`).filter((v) => !skip.includes(Number(v.slice(1))));
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
const snapshot = (dir: string) => {
  const files: Record<string, string> = {};
  for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const full = path.join(dir, f);
    if (fs.statSync(full).isFile()) files[f] = fs.readFileSync(full).toString('base64');
  }
  return files;
};

describe('log › tools › repair', () => {
  beforeAll(async () => {
    pristine = tempDir('sluice-repair-pristine-');
    const log = await openLog(pristine);
    await log.createTopic(TOPIC, { config: { 'segment.bytes': 3000, 'index.interval.bytes': 200 } });
    await log.createTopic(OTHER);
    for (let b = 0; b < BATCHES; b++) await log.append(TOPIC, 0, records(PER_BATCH, b * PER_BATCH));
    await log.append(OTHER, 0, records(3));
    await log.close();
  });

  afterAll(() => {
    for (const dir of [pristine, ...copies]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('quarantines a batch with flipped bytes: a dry run first, then the log reads everything else cleanly', async () => {
    const dir = copy();
    const victim = batchesOf(dir)[12]!;
    patch(victim.file, victim.position + 80, Buffer.from('XXXX'));
    const verified = await verifyLogDir(dir);
    expect(verified.damage.map((d) => [d.kind, d.file, d.position])).toEqual([
      ['corrupt-batch', victim.file, victim.position],
    ]);

    const before = snapshot(dir);
    const dry = await repairLogDir(dir, { dryRun: true });
    expect(dry.actions.map((a) => a.kind)).toEqual(['quarantine', 'rebuild-index', 'rebuild-index']);
    expect(snapshot(dir)).toEqual(before);

    const done = await repairLogDir(dir);
    const quarantine = done.actions[0]!;
    expect(quarantine).toMatchObject({ kind: 'quarantine', file: victim.file, position: victim.position });
    const expectedFile = path.join(
      dir,
      'quarantine',
      `${TOPIC}-0`,
      `${victim.baseOffset}-${victim.baseOffset + PER_BATCH - 1}.batch`,
    );
    expect(fs.existsSync(expectedFile)).toBe(true);
    const after = await verifyLogDir(dir);
    expect(after.damage).toEqual([]);
    expect(after.notes.some((n) => n.includes('quarantined'))).toBe(true);
    expect(await readValues(dir)).toEqual(all(BATCHES * PER_BATCH, range(victim.baseOffset, PER_BATCH)));
  });

  it('quarantines a batch whose length claims 2 GB, keeping the batches after it', async () => {
    const dir = copy();
    const victim = batchesOf(dir)[21]!;
    const huge = Buffer.alloc(4);
    huge.writeInt32BE(0x7fff_fff0);
    patch(victim.file, victim.position + 8, huge);
    expect((await verifyLogDir(dir)).damage.map((d) => d.kind)).toContain('torn-tail');
    await repairLogDir(dir);
    expect((await verifyLogDir(dir)).damage).toEqual([]);
    expect(await readValues(dir)).toEqual(all(BATCHES * PER_BATCH, range(victim.baseOffset, PER_BATCH)));
  });

  it('truncates a damaged last batch of the partition', async () => {
    const dir = copy();
    const batches = batchesOf(dir);
    const victim = batches[batches.length - 1]!;
    patch(victim.file, victim.position + 70, Buffer.from('XXXX'));
    const done = await repairLogDir(dir);
    expect(done.actions[0]).toMatchObject({ kind: 'truncate', file: victim.file, position: victim.position });
    expect((await verifyLogDir(dir)).damage).toEqual([]);
    expect(await readValues(dir)).toEqual(all(victim.baseOffset));
  });

  it('reports a garbage topics/<t>.json that the log cannot open, keeps the other topics open, and rebuilds it', async () => {
    const dir = copy();
    const file = path.join(dir, 'topics', `${TOPIC}.json`);
    fs.writeFileSync(file, '{"partitions": "lots"');
    const verified = await verifyLogDir(dir);
    expect(verified.damage.map((d) => [d.kind, d.file])).toEqual([['topic-metadata', file]]);
    const { logger, lines } = memoryLogger();
    const log = await openLog(dir, { logger });
    try {
      expect(log.listTopics()).toEqual([OTHER]);
      expect(lines.some((l) => String(l.msg).includes(`topic ${TOPIC} stays closed`))).toBe(true);
    } finally {
      await log.close();
    }
    const cli = await runCli('log', 'verify', dir);
    expect(cli.exitCode).toBe(1);
    expect(cli.stdout).toContain(`DAMAGE topic-metadata ${file}`);
    const dry = await runCli('log', 'repair', dir, '--dry-run');
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toContain(`WOULD rewrite-topic ${file}`);
    const fixed = await runCli('log', 'repair', dir);
    expect(fixed.exitCode).toBe(0);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ partitions: 1, config: {} });
    expect(await readValues(dir)).toEqual(all(BATCHES * PER_BATCH));
  });

  it('reports a log-start checkpoint past the end, which no longer hides the records, and resets it', async () => {
    const dir = copy();
    const file = path.join(dir, 'log-start-offset-checkpoint');
    const text = fs
      .readFileSync(file, 'utf8')
      .replace(new RegExp(`^${TOPIC} 0 \\d+$`, 'm'), `${TOPIC} 0 99999999`);
    fs.writeFileSync(file, text);
    expect((await verifyLogDir(dir)).damage.map((d) => [d.kind, d.file])).toEqual([['checkpoint', file]]);
    expect(await readValues(dir)).toEqual(all(BATCHES * PER_BATCH));
    fs.writeFileSync(file, text);
    await repairLogDir(dir);
    expect((await verifyLogDir(dir)).damage).toEqual([]);
  });

  it('reports a deleted middle segment as unfixable, and the CLI exits 1', async () => {
    const dir = copy();
    const files = [...new Set(batchesOf(dir).map((b) => b.file))];
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const ext of ['.log', '.index', '.timeindex']) fs.rmSync(files[1]!.replace(/\.log$/, ext));
    const r = await runCli('log', 'repair', dir);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/CANNOT unfixable .* offsets \d+ to \d+ are missing/);
  });
});
