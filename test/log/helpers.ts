import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { Log } from '../../src/log/index.js';
import type { LogOptions } from '../../src/log/log-options.js';
import type { AppendRecord } from '../../src/log/types.js';

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'sluice-log-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A logger that keeps every line it is given, for asserting on warnings. */
export function memoryLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/** Opens a log in `dir` with background work off and a silent-but-recording logger. */
export function openLog(dir: string, options: Partial<LogOptions> = {}) {
  return Log.open({
    dir,
    logger: memoryLogger().logger,
    retentionCheckIntervalMs: 0,
    cleanerIntervalMs: 0,
    flushCheckIntervalMs: 0,
    ...options,
  });
}

/** `count` records with values `v<i>` (and keys `k<i % keys>` when `keys` is given). */
export function records(count: number, from = 0, keys?: number): AppendRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    key: keys === undefined ? null : Buffer.from(`k${(from + i) % keys}`),
    value: Buffer.from(`v${from + i}`),
  }));
}

/** A controllable clock. */
export function clock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}
