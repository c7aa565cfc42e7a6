/**
 * Shared by every benchmark: timing, rates, and printing a result table (or JSON with `--json`), so that all
 * `npm run bench -- <name>` outputs read the same way.
 */

/** One measured figure: what was done, by whom, and how fast. */
export interface Measurement {
  /** The workload, e.g. `append 100 B, acks=all`. */
  case: string;
  /** Who did it: `sluice`, `better-sqlite3`, `raw limit`, ... */
  subject: string;
  records: number;
  bytes: number;
  ms: number;
  /** Printed beside the figure, e.g. how durable the peer's writes are. */
  note?: string;
}

export function recordsPerSec(m: Measurement): number {
  return m.records / (m.ms / 1000);
}

export function mbPerSec(m: Measurement): number {
  return m.bytes / (1024 * 1024) / (m.ms / 1000);
}

/** Runs `fn` once and returns its result with the wall time it took, in milliseconds. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ result: T; ms: number }> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { result, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

/** 1234567 → `1.23M`, 45678 → `45.7k`. */
export function human(n: number): string {
  if (!Number.isFinite(n)) return '-';
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(n < 10 ? 2 : 0);
}

/** Left-aligned text columns padded to the widest cell; numbers are pre-formatted by the caller. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Whether the command line asked for machine-readable output. */
export function wantsJson(args: readonly string[]): boolean {
  return args.includes('--json');
}

/** The value of `--name <value>` or `--name=value` in `args`, if given. */
export function flag(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) return args[i + 1];
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return undefined;
}
