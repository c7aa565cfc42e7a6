/** The end-to-end workload of the client benchmark: 1,000,000 records of 100 bytes over 3 partitions. */
export interface Workload {
  records: number;
  valueBytes: number;
  partitions: number;
  /** Records per `send` call (and per raw append). */
  chunk: number;
}

export const defaultWorkload: Workload = { records: 1_000_000, valueBytes: 100, partitions: 3, chunk: 1000 };

/** One measured run: records moved and the wall time from the first send to the last record read. */
export interface Result {
  case: string;
  subject: string;
  records: number;
  ms: number;
  note?: string;
}

export const rate = (r: Result): number => r.records / (r.ms / 1000);

export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - start };
}

export function value(w: Workload): Buffer {
  return Buffer.alloc(w.valueBytes, 'x');
}
