import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, runBroker } from '../../../src/broker/index.js';
import { batchSizeAt, Log } from '../../../src/log/index.js';
import { run } from './run-process.js';

// A segment damaged on disk after a clean stop, served to kcat (librdkafka, whose check.crcs is off by default).
const KCAT = '/usr/bin/kcat';
const PER_BATCH = 10;
let dir: string;
let broker: RunningBroker;
let damaged: { position: number; baseOffset: number };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-kcat-damage-'));
  const log = await Log.open({ dir, logger: pino({ level: 'silent' }) });
  await log.createTopic('t', { config: { 'segment.bytes': 3000 } });
  for (let b = 0; b < 30; b++) {
    await log.append(
      't',
      0,
      Array.from({ length: PER_BATCH }, (_, i) => ({
        key: null,
        value: Buffer.from(`v${b * PER_BATCH + i}`),
      })),
    );
  }
  await log.close();
  const file = path.join(dir, 't-0', '00000000000000000000.log');
  const buf = fs.readFileSync(file);
  const second = batchSizeAt(buf, 0);
  const third = second + batchSizeAt(buf, second);
  // The length of the second batch now claims 2 GB.
  buf.writeInt32BE(0x7fff_fff0, second + 8);
  fs.writeFileSync(file, buf);
  damaged = { position: second, baseOffset: PER_BATCH };
  expect(third).toBeLessThan(buf.length);
  broker = await runBroker({
    logDir: dir,
    config: { listen: '127.0.0.1:0' },
    logger: pino({ level: 'silent' }),
  });
});

afterAll(async () => {
  await broker?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const kcat = (args: string[]) =>
  run(KCAT, ['-b', broker.bootstrap, '-C', '-t', 't', '-p', '0', '-e', '-f', '%o %s\n', ...args], {
    timeoutMs: 20_000,
  });

describe('broker › interop › kcat reading a damaged segment', () => {
  it('gets the records before the damage, then CORRUPT_MESSAGE instead of a stall', async () => {
    const r = await kcat(['-o', 'beginning']);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual(Array.from({ length: PER_BATCH }, (_, i) => `${i} v${i}`));
    expect(r.stderr).toContain('Invalid message');
    expect(damaged.position).toBeGreaterThan(0);
  });

  it('reads every record after the damaged batch when it starts past it', async () => {
    const r = await kcat(['-o', String(damaged.baseOffset + PER_BATCH)]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toEqual(Array.from({ length: 300 - 2 * PER_BATCH }, (_, i) => `${i + 20} v${i + 20}`));
  });
});
