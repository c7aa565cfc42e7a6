import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OffsetOutOfRangeError } from '../../src/errors.js';
import { batchSizeAt, encodeRecordBatch, type Log, verifyLogDir } from '../../src/log/index.js';
import { clock, openLog, tempDir } from './helpers.js';
import { type GeneratedRecord, PartitionModel, recordArb, toAppend, viewOf } from './log-model.js';

const TOPIC = 'prop';
const PARTITIONS = 2;

type Op =
  | { kind: 'append'; p: number; records: GeneratedRecord[]; raw: boolean }
  | { kind: 'read'; p: number; at: number; maxBytes: number }
  | { kind: 'tick'; ms: number }
  | { kind: 'retention'; retentionMs: number; retentionBytes: number }
  | { kind: 'deleteRecords'; p: number; at: number }
  | { kind: 'segmentBytes'; bytes: number }
  | { kind: 'reopen' };

const partition = fc.integer({ min: 0, max: PARTITIONS - 1 });
const fraction = fc.double({ min: 0, max: 1, noNaN: true });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      p: partition,
      records: fc.array(recordArb(), { minLength: 1, maxLength: 12 }),
      raw: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      p: partition,
      at: fraction,
      maxBytes: fc.integer({ min: 1, max: 3_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 40_000 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('retention' as const),
      retentionMs: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 30_000 })),
      retentionBytes: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 2_000 })),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('deleteRecords' as const), p: partition, at: fraction }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('segmentBytes' as const),
      bytes: fc.integer({ min: 100, max: 3_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
);

/** An offset between the log start and the log end, both included, `at` of the way. */
const offsetAt = (m: PartitionModel, at: number) => m.start + Math.floor(at * (m.next - m.start + 0.999));

/** Reads from `offset` with `maxBytes` and checks every record against the model. */
async function checkRead(log: Log, p: number, m: PartitionModel, offset: number, maxBytes: number) {
  const raw = await log.read(TOPIC, p, offset, { maxBytes });
  expect({ start: raw.logStartOffset, end: raw.highWatermark }).toEqual({ start: m.start, end: m.next });
  // Whole batches only; more than maxBytes only when the first batch alone is larger.
  let batches = 0;
  for (let pos = 0; pos < raw.records.length; pos += batchSizeAt(raw.records, pos)) batches++;
  if (raw.records.length > maxBytes) expect(batches).toBe(1);

  const r = await log.readRecords(TOPIC, p, offset, { maxBytes });
  if (offset < m.next) expect(r.records.length).toBeGreaterThan(0);
  expect(r.records.map(viewOf)).toEqual(r.records.map((_, i) => m.at(offset + i)));
  expect(r.nextOffset).toBe(offset + r.records.length);
}

/** Reads the whole partition, which must equal the model from its start to its end. */
async function checkAll(log: Log, p: number, m: PartitionModel) {
  expect(log.offsets(TOPIC, p)).toEqual({
    logStartOffset: m.start,
    highWatermark: m.next,
    lastStableOffset: m.next,
  });
  let offset = m.start;
  while (offset < m.next) {
    const r = await log.readRecords(TOPIC, p, offset, { maxBytes: 4096 });
    expect(r.records.length).toBeGreaterThan(0);
    for (const rec of r.records) expect(viewOf(rec)).toEqual(m.at(offset++));
  }
  if (m.start > 0)
    await expect(log.readRecords(TOPIC, p, m.start - 1)).rejects.toThrow(OffsetOutOfRangeError);
}

/** The base offset of a partition's oldest segment file, from its name. */
function firstSegmentBase(dir: string, p: number): number {
  const bases = fs
    .readdirSync(`${dir}/${TOPIC}-${p}`)
    .filter((f) => f.endsWith('.log'))
    .map((f) => Number(f.slice(0, -'.log'.length)));
  return Math.min(...bases);
}

describe('log › property: append, read, roll, retention, deleteRecords, reopen', () => {
  it('always agrees with an in-memory model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 40 }), async (ops) => {
        const dir = tempDir('sluice-prop-');
        const time = clock();
        const open = () => openLog(dir, { now: time.now });
        let log = await open();
        const models = Array.from({ length: PARTITIONS }, () => new PartitionModel());
        let retentionBytes = -1;
        let retentionMs = -1;
        try {
          const config = { 'segment.bytes': 400, 'index.interval.bytes': 64, 'retention.ms': -1 };
          await log.createTopic(TOPIC, { partitions: PARTITIONS, config });
          for (const op of ops) {
            switch (op.kind) {
              case 'append': {
                const m = models[op.p];
                const records = toAppend(op.records, time.now());
                const result = op.raw
                  ? await log.appendBatches(TOPIC, op.p, encodeRecordBatch(records, { now: time.now() }))
                  : await log.append(TOPIC, op.p, records);
                const base = m.append(records);
                expect(result).toMatchObject({ baseOffset: base, lastOffset: m.next - 1 });
                break;
              }
              case 'read':
                await checkRead(log, op.p, models[op.p], offsetAt(models[op.p], op.at), op.maxBytes);
                break;
              case 'tick':
                time.advance(op.ms);
                break;
              case 'retention': {
                ({ retentionMs, retentionBytes } = op);
                await log.alterTopicConfig(TOPIC, {
                  'retention.ms': retentionMs,
                  'retention.bytes': retentionBytes,
                });
                await log.runRetention();
                for (let p = 0; p < PARTITIONS; p++) {
                  const m = models[p];
                  const { logStartOffset } = log.offsets(TOPIC, p);
                  // Only whole segments go, never the active one: the newest batch always stays.
                  expect(logStartOffset).toBeGreaterThanOrEqual(m.start);
                  expect(logStartOffset).toBeLessThanOrEqual(Math.max(m.start, m.lastBatchBase));
                  if (retentionBytes < 0 && retentionMs >= 0) {
                    // A segment holding a record younger than retention.ms stays, and so does all after it.
                    const young = m.appended.find(
                      (r) => r.offset >= m.start && time.now() - r.timestamp <= retentionMs,
                    );
                    if (young) expect(logStartOffset).toBeLessThanOrEqual(young.offset);
                  }
                  m.start = logStartOffset;
                }
                break;
              }
              case 'deleteRecords': {
                const m = models[op.p];
                const before = offsetAt(m, op.at);
                expect(await log.deleteRecords(TOPIC, op.p, before)).toBe(Math.max(m.start, before));
                m.start = Math.max(m.start, before);
                break;
              }
              case 'segmentBytes':
                await log.alterTopicConfig(TOPIC, { 'segment.bytes': op.bytes });
                break;
              case 'reopen':
                await log.close();
                log = await open();
                for (let p = 0; p < PARTITIONS; p++) await checkAll(log, p, models[p]);
                break;
            }
          }
          for (let p = 0; p < PARTITIONS; p++) await checkAll(log, p, models[p]);
          await log.close();
          const report = await verifyLogDir(dir);
          expect(report.damage).toEqual([]);
          // Files hold whole segments: records below the log start stay in the first one until it is deleted.
          const inFiles = models.reduce((n, m, p) => {
            const first = firstSegmentBase(dir, p);
            expect(first).toBeLessThanOrEqual(m.start);
            return n + m.next - first;
          }, 0);
          expect(report.records).toBe(inFiles);
        } finally {
          await log.close();
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 30 },
    );
  }, 180_000);
});

type CompactOp =
  | { kind: 'append'; records: GeneratedRecord[] }
  | { kind: 'compact' }
  | { kind: 'read'; at: number }
  | { kind: 'tick'; ms: number }
  | { kind: 'reopen' };

const compactOpArb: fc.Arbitrary<CompactOp> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      records: fc.array(recordArb(6), { minLength: 1, maxLength: 8 }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'compact' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const), at: fraction }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 30_000 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
);

/** Every record left in partition 0, from its start to its end, with compaction's gaps. */
async function readSurvivors(log: Log): Promise<ReturnType<typeof viewOf>[]> {
  const out: ReturnType<typeof viewOf>[] = [];
  const { highWatermark } = log.offsets(TOPIC, 0);
  let offset = log.offsets(TOPIC, 0).logStartOffset;
  while (offset < highWatermark) {
    const r = await log.readRecords(TOPIC, 0, offset, { maxBytes: 4096 });
    out.push(...r.records.map(viewOf));
    expect(r.nextOffset).toBeGreaterThan(offset);
    offset = r.nextOffset;
  }
  return out;
}

/**
 * What compaction must preserve: offsets and bytes of every survivor, the newest record of every key (a tombstone
 * may go once old enough), and below the cleaned point nothing but each key's newest record.
 */
function checkCompacted(survivors: ReturnType<typeof viewOf>[], m: PartitionModel, cleanedUpTo: number) {
  const offsets = survivors.map((r) => r.offset);
  expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
  expect(new Set(offsets).size).toBe(offsets.length);
  for (const r of survivors) expect(r).toEqual(m.at(r.offset));
  const newest = new Map<string | null, number>();
  for (const r of m.appended) newest.set(r.key, r.offset);
  const kept = new Set(offsets);
  for (const offset of newest.values()) {
    if (!kept.has(offset)) expect(m.at(offset).value).toBeNull();
  }
  const newestBelow = new Map<string | null, number>();
  for (const r of m.appended) if (r.offset < cleanedUpTo) newestBelow.set(r.key, r.offset);
  for (const r of survivors) if (r.offset < cleanedUpTo) expect(r.offset).toBe(newestBelow.get(r.key));
}

describe('log › property: compaction', () => {
  it('keeps the newest record per key, never renumbers, and survives reopen', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(compactOpArb, { minLength: 5, maxLength: 35 }), async (ops) => {
        const dir = tempDir('sluice-prop-compact-');
        const time = clock();
        const open = () => openLog(dir, { now: time.now });
        let log = await open();
        const m = new PartitionModel();
        let cleanedUpTo = 0;
        try {
          const config = {
            'cleanup.policy': 'compact' as const,
            'segment.bytes': 300,
            'delete.retention.ms': 10_000,
          };
          await log.createTopic(TOPIC, { partitions: 1, config });
          for (const op of ops) {
            switch (op.kind) {
              case 'append': {
                const records = toAppend(op.records, time.now());
                const result = await log.append(TOPIC, 0, records);
                expect(result.baseOffset).toBe(m.append(records));
                break;
              }
              case 'compact': {
                const result = await log.compact(TOPIC, 0);
                if (result) cleanedUpTo = Math.max(cleanedUpTo, result.cleanedUpTo);
                checkCompacted(await readSurvivors(log), m, cleanedUpTo);
                break;
              }
              case 'read': {
                const survivors = await readSurvivors(log);
                const offset = offsetAt(m, op.at);
                const r = await log.readRecords(TOPIC, 0, offset, { maxBytes: 1 });
                const expected = survivors.find((s) => s.offset >= offset);
                expect(r.records[0] ? viewOf(r.records[0]) : undefined).toEqual(expected);
                break;
              }
              case 'tick':
                time.advance(op.ms);
                break;
              case 'reopen': {
                const before = await readSurvivors(log);
                await log.close();
                log = await open();
                expect(await readSurvivors(log)).toEqual(before);
                expect(log.offsets(TOPIC, 0).highWatermark).toBe(m.next);
                break;
              }
            }
          }
          checkCompacted(await readSurvivors(log), m, cleanedUpTo);
          await log.close();
          expect((await verifyLogDir(dir, { allowGaps: true })).damage).toEqual([]);
        } finally {
          await log.close();
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 30 },
    );
  }, 180_000);
});
