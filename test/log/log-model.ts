import fc from 'fast-check';
import type { AppendRecord, LogRecord } from '../../src/log/index.js';

/**
 * The plain in-memory model the property tests check the log against: per partition, every record ever appended
 * (by offset), the log start offset and the next offset. Records are compared in a printable form so that a
 * failure shows which field differs.
 */
export interface RecordView {
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
}

const hex = (b: Uint8Array | null | undefined) => (b == null ? null : Buffer.from(b).toString('hex'));

export function viewOf(r: LogRecord): RecordView {
  return {
    offset: r.offset,
    timestamp: r.timestamp,
    key: hex(r.key),
    value: hex(r.value),
    headers: r.headers.map((h) => [h.key, hex(h.value)]),
  };
}

export class PartitionModel {
  /** Every record appended, indexed by offset; those below `start` or compacted away are gone from the log. */
  readonly appended: RecordView[] = [];
  start = 0;
  /** Base offset of the newest append, whose segment retention must never delete. */
  lastBatchBase = -1;

  get next(): number {
    return this.appended.length;
  }

  append(records: AppendRecord[]): number {
    const base = this.next;
    records.forEach((r, i) => {
      this.appended.push({
        offset: base + i,
        timestamp: r.timestamp as number,
        key: hex(r.key),
        value: hex(r.value),
        headers: (r.headers ?? []).map((h) => [h.key, hex(h.value)]),
      });
    });
    this.lastBatchBase = base;
    return base;
  }

  at(offset: number): RecordView {
    return this.appended[offset];
  }
}

/** A record to append: random key, value (null: a tombstone) and headers, timestamp near the clock. */
export interface GeneratedRecord {
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: { key: string; value: Uint8Array | null }[];
  /** Milliseconds before the clock's now. */
  age: number;
}

export function recordArb(keys?: number): fc.Arbitrary<GeneratedRecord> {
  const key =
    keys === undefined
      ? fc.option(fc.uint8Array({ maxLength: 8 }), { nil: null })
      : fc.integer({ min: 0, max: keys - 1 }).map((k) => new TextEncoder().encode(`key-${k}`));
  return fc.record({
    key,
    value: fc.option(fc.uint8Array({ maxLength: 120 }), { nil: null, freq: 8 }),
    headers: fc.array(
      fc.record({
        key: fc.string({ unit: 'grapheme', maxLength: 6 }),
        value: fc.option(fc.uint8Array({ maxLength: 6 }), { nil: null }),
      }),
      { maxLength: 2 },
    ),
    age: fc.integer({ min: 0, max: 5_000 }),
  });
}

export function toAppend(records: GeneratedRecord[], now: number): AppendRecord[] {
  return records.map((r) => ({
    key: r.key === null ? null : Buffer.from(r.key),
    value: r.value === null ? null : Buffer.from(r.value),
    headers: r.headers.map((h) => ({ key: h.key, value: h.value === null ? null : Buffer.from(h.value) })),
    timestamp: now - r.age,
  }));
}
