import { randomBytes } from 'node:crypto';

/** What every subject of the log benchmark appends and reads back. */
export interface Workload {
  records: number;
  batchSize: number;
  valueSize: number;
}

/** How a subject must make an append durable: `none` leaves it to the OS, `fsync` syncs every batch. */
export type Durability = 'none' | 'fsync';

/** What a reader saw: it must decode every record, and the tally proves it did. */
export interface ReadTally {
  records: number;
  /** Sum of value lengths. */
  valueBytes: number;
  /** Sum of offsets and timestamps modulo 2^32, so the decoder cannot skip those fields. */
  check: number;
}

/** One subject's run over one workload: append everything, then read everything back. */
export interface SubjectRun {
  /** Appends `workload.records` records; returns the bytes the subject wrote for them, when it knows. */
  append(): Promise<number>;
  read(): Promise<ReadTally>;
  close(): Promise<void>;
}

export interface Subject {
  name: string;
  /** Printed beside every figure of this subject. */
  note?: string;
  open(dir: string, workload: Workload, durability: Durability): Promise<SubjectRun>;
}

/** `batchSize` distinct random values, reused for every batch (the same for every subject). */
export function makeValues(w: Workload): Buffer[] {
  return Array.from({ length: w.batchSize }, () => randomBytes(w.valueSize));
}

export function emptyTally(): ReadTally {
  return { records: 0, valueBytes: 0, check: 0 };
}

/** Adds one decoded record to the tally. */
export function tally(t: ReadTally, offset: number, timestamp: number, value: Uint8Array | null): void {
  t.records++;
  t.valueBytes += value ? value.length : 0;
  t.check = (t.check + offset + (timestamp % 0x10000)) >>> 0;
}

export function batches(w: Workload): number {
  return Math.ceil(w.records / w.batchSize);
}
