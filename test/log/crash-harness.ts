import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Log } from '../../src/log/index.js';
import { CRASH_TOPIC, recordsDigest } from './fixtures/crash-shared.js';

const writer = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));

/** An append the writer reported as acknowledged. */
export interface Ack {
  partition: number;
  base: number;
  last: number;
  digest: string;
}

/**
 * Starts the crash writer on `dir` and SIGKILLs it: `killAfter(lines)` is called on every complete line the writer
 * prints and returns the delay before the kill once it is time (or undefined to wait for more). Also killed after
 * `maxMs` regardless. Resolves with the acknowledged appends, from complete lines only.
 */
export function runWriterUntilKilled(
  dir: string,
  args: string[],
  killAfter: (line: string) => number | undefined,
  maxMs = 20_000,
): Promise<{ acks: Ack[]; lines: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buffered = '';
  const lines: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const kill = (ms: number) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => child.kill('SIGKILL'), ms);
  };
  kill(maxMs);
  let scheduled = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const complete = buffered.split('\n');
    buffered = complete.pop() ?? '';
    for (const line of complete) {
      lines.push(line);
      const delay = scheduled ? undefined : killAfter(line);
      if (delay !== undefined) {
        scheduled = true;
        kill(delay);
      }
    }
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') {
        reject(new Error(`crash writer ended by itself (${signal ?? _code}) before it was killed`));
        return;
      }
      const acks = lines
        .filter((l) => /^\d+ \d+ \d+ [0-9a-f]+$/.test(l))
        .map((l) => {
          const [partition, base, last, digest] = l.split(' ');
          return { partition: Number(partition), base: Number(base), last: Number(last), digest };
        });
      resolve({ acks, lines });
    });
  });
}

/**
 * Reads every record of a partition from its start and checks what users rely on after a crash: offsets
 * contiguous, every acknowledged append present with the same bytes. Returns the high watermark.
 */
export async function checkPartition(log: Log, partition: number, acks: readonly Ack[]): Promise<number> {
  const { logStartOffset, highWatermark } = log.offsets(CRASH_TOPIC, partition);
  expect(logStartOffset).toBe(0);
  const records = [];
  let offset = 0;
  while (offset < highWatermark) {
    const r = await log.readRecords(CRASH_TOPIC, partition, offset, { maxBytes: 64 * 1024 });
    for (const record of r.records) {
      expect(record.offset).toBe(offset++);
      records.push(record);
    }
  }
  for (const ack of acks) {
    expect(ack.last, `acknowledged ${partition}:${ack.base}..${ack.last} is past the end`).toBeLessThan(
      highWatermark,
    );
    expect(
      recordsDigest(records.slice(ack.base, ack.last + 1)),
      `records ${partition}:${ack.base}..${ack.last}`,
    ).toBe(ack.digest);
  }
  return highWatermark;
}
