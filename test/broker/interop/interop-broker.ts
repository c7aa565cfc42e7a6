import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type BrokerConfigInput, type RunningBroker, runBroker } from '../../../src/broker/index.js';
import { verifyLogDir } from '../../../src/log/index.js';

/** A broker over a real log in a temp dir, on a random loopback port, for tests with real clients. */
export interface InteropBroker extends RunningBroker {
  dir: string;
  /** Stops the broker, closes the log and removes its directory. Idempotent. */
  stop(): Promise<void>;
  /** Stops the broker, closes the log and checks every segment on disk; throws on any damage. */
  verify(): Promise<void>;
}

export async function startInteropBroker(config: BrokerConfigInput = {}): Promise<InteropBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-broker-'));
  const broker = await runBroker({
    logDir: dir,
    config: { listen: '127.0.0.1:0', ...config },
    logger: pino({ level: process.env.SLUICE_TEST_LOG ?? 'silent' }),
  });
  return {
    ...broker,
    dir,
    stop: async () => {
      await broker.close();
      await rm(dir, { recursive: true, force: true });
    },
    verify: async () => {
      await broker.close();
      const report = await verifyLogDir(dir);
      if (report.damage.length > 0) throw new Error(`log damaged: ${JSON.stringify(report.damage)}`);
    },
  };
}
