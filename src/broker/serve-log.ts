import type { Logger } from 'pino';
import { acquireCoordinator, releaseCoordinator } from '../client/embedded/shared-coordinator.js';
import type { Log } from '../log/index.js';
import { BrokerServer } from './server.js';

/** A log of this process served over the Kafka protocol, alongside the process's own clients. */
export interface ServedLog {
  /** `host:port` for clients: what `--bootstrap-server` takes. */
  bootstrap: string;
  /** Stops serving; the log and its coordinator stay with their owner. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves a log this process already has open (a running pipeline's, a Connect worker's) on `listen`, with the same
 * group coordinator its embedded clients meet in, so that the CLI and any Kafka tool can look at it while it runs:
 * topics, records, groups and lag, as through `sluice broker`.
 */
export async function serveLog(log: Log, options: { listen: string; logger?: Logger }): Promise<ServedLog> {
  const groups = await acquireCoordinator(log);
  let server: BrokerServer;
  try {
    server = await BrokerServer.start({
      log,
      groups,
      config: { listen: options.listen },
      ...(options.logger ? { logger: options.logger } : {}),
    });
  } catch (err) {
    await releaseCoordinator(log);
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    bootstrap: server.bootstrap,
    close() {
      closing ??= server.close().then(() => releaseCoordinator(log));
      return closing;
    },
  };
}
