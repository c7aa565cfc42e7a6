import pino, { type Logger } from 'pino';
import { type GroupCoordinator, openGroupCoordinator } from '../group/index.js';
import { Log } from '../log/index.js';
import { type BrokerConfigInput, parseBrokerConfig } from './broker-config.js';
import { BrokerServer } from './server.js';

export interface RunBrokerOptions {
  /** The log directory; created when missing. The broker holds its lock while it runs. */
  logDir: string;
  config?: BrokerConfigInput;
  /** Default: pino at info level on stderr. */
  logger?: Logger;
}

/** A running broker with the log and group coordinator it owns. */
export interface RunningBroker {
  server: BrokerServer;
  log: Log;
  groups: GroupCoordinator;
  /** `host:port` for clients (the advertised listener). */
  bootstrap: string;
  /** Graceful shutdown: stops serving, then closes the coordinator and the log cleanly. Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens the log in `logDir` (recovering it if the last stop was unclean), its group coordinator, and a broker
 * serving both — what `sluice broker` runs, and what tests start to talk to with real Kafka clients.
 */
export async function runBroker(options: RunBrokerOptions): Promise<RunningBroker> {
  const config = parseBrokerConfig(options.config ?? {});
  const logger = options.logger ?? pino({ name: 'sluice-broker' }, pino.destination(2));
  const log = await Log.open({
    dir: options.logDir,
    autoCreateTopics: config['auto.create.topics.enable'],
    defaultPartitions: config['num.partitions'],
    maxOpenFiles: config['log.max.open.files'],
    logger: logger.child({ component: 'log' }),
  });
  let groups: GroupCoordinator | null = null;
  try {
    groups = await openGroupCoordinator({ log, logger: logger.child({ component: 'group' }) });
    const server = await BrokerServer.start({ log, groups, config, logger });
    let closing: Promise<void> | null = null;
    const opened = groups;
    return {
      server,
      log,
      groups: opened,
      bootstrap: server.bootstrap,
      close() {
        closing ??= (async () => {
          await server.close();
          await opened.close();
          await log.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await groups?.close();
    await log.close();
    throw err;
  }
}
