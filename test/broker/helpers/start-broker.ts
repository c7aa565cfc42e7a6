import pino from 'pino';
import type { BrokerConfigInput } from '../../../src/broker/index.js';
import { type BrokerLog, BrokerServer } from '../../../src/broker/index.js';
import type { GroupCoordinator } from '../../../src/group/index.js';

/** A broker on a random loopback port, logging only what a failing test would need. */
export function startBroker(
  log: BrokerLog,
  config: BrokerConfigInput = {},
  groups: GroupCoordinator | null = null,
): Promise<BrokerServer> {
  return BrokerServer.start({
    log,
    groups,
    config: { listen: '127.0.0.1:0', ...config },
    logger: pino({ level: process.env.SLUICE_TEST_LOG ?? 'silent' }),
  });
}
