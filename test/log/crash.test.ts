import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyLogDir } from '../../src/log/index.js';
import { sluice } from '../cli/spawn-cli.js';
import { type Ack, checkPartition, runWriterUntilKilled } from './crash-harness.js';
import { CRASH_PARTITIONS } from './fixtures/crash-shared.js';
import { openLog, tempDir } from './helpers.js';

/** Kills per run, over two log directories side by side; CI runs 30, a longer soak sets SLUICE_CRASH_ROUNDS. */
const ROUNDS = Number(process.env.SLUICE_CRASH_ROUNDS ?? 30);

const dirs: string[] = [];

/**
 * Starts the writer on `dir` and kills it, `rounds` times; after each kill opens the log and checks every
 * acknowledged append, then the whole directory with the verifier. Returns how many appends were acknowledged.
 */
async function killAndCheck(dir: string, rounds: number): Promise<number> {
  const acked: Ack[] = [];
  for (let round = 0; round < rounds; round++) {
    // Most kills land amid appends; every fourth at a random moment from the start, which may be while the
    // writer is still starting or recovering from the previous kill.
    const early = round % 4 === 3;
    const { acks } = await runWriterUntilKilled(
      dir,
      [],
      (line) => (line === 'ready' && !early ? randomInt(30, 400) : undefined),
      early ? randomInt(50, 2500) : 30_000,
    );
    acked.push(...acks);

    const log = await openLog(dir);
    try {
      for (let p = 0; p < CRASH_PARTITIONS; p++) {
        await checkPartition(
          log,
          p,
          acked.filter((a) => a.partition === p),
        );
      }
    } finally {
      await log.close();
    }
    const report = await verifyLogDir(dir);
    expect(report.damage, `${dir}, after kill ${round + 1}`).toEqual([]);
  }
  return acked.length;
}

describe('log › crash: SIGKILL during acks=all appends', () => {
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged record intact and offsets contiguous across ${ROUNDS} kills`, async () => {
    dirs.push(tempDir('sluice-crash-a-'), tempDir('sluice-crash-b-'));
    const half = Math.ceil(ROUNDS / 2);
    const acked = await Promise.all([killAndCheck(dirs[0], half), killAndCheck(dirs[1], ROUNDS - half)]);
    expect(acked[0] + acked[1]).toBeGreaterThan(ROUNDS);
    for (const dir of dirs) {
      const verify = await sluice(['log', 'verify', dir]);
      expect(verify).toMatchObject({ code: 0 });
      expect(verify.stdout).toMatch(/verified 3 partitions, \d+ segments, .*: no damage/);
    }
  }, 180_000);
});
