import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { runBroker } from '../../../src/broker/index.js';
import { connect } from '../../../src/client/connect.js';
import type { ContractBackend } from '../contract.js';

/** The kafka backend under test: kafkajs against a `sluice broker` on a random loopback port. */
export async function brokerBackend(): Promise<ContractBackend> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-kafka-client-'));
  const broker = await runBroker({
    logDir: dir,
    config: { listen: '127.0.0.1:0' },
    logger: pino({ level: process.env.SLUICE_TEST_LOG ?? 'silent' }),
  });
  return {
    connect: () => connect({ log: { brokers: [broker.bootstrap] } }),
    dispose: async () => {
      await broker.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
