import type { Client } from '../../client/index.js';
import type { AnyConnectorDefinition } from '../connector.js';
import { RestServer } from '../rest/rest-server.js';
import type { TaskLogger } from '../task-context.js';
import { Worker } from './worker.js';
import type { WorkerConfig } from './worker-config.js';

export interface Standalone {
  worker: Worker;
  /** Undefined when `rest.enable=false`. */
  rest: RestServer | undefined;
  /** Stops connectors gracefully (flush and commit), the REST server, then closes the client. */
  close(): Promise<void>;
}

/**
 * Starts a standalone worker on `client`: validates every connector config first (nothing starts when one is
 * invalid), then starts them and the REST API.
 */
export async function startStandalone(options: {
  client: Client;
  config: WorkerConfig;
  connectors: Record<string, unknown>[];
  plugins: readonly AnyConnectorDefinition[];
  logger?: TaskLogger;
}): Promise<Standalone> {
  const worker = await Worker.start({
    client: options.client,
    config: options.config,
    plugins: options.plugins,
    logger: options.logger,
  });
  try {
    for (const c of options.connectors) worker.validate(c);
    for (const c of options.connectors) await worker.create(c);
    const rest = options.config['rest.enable']
      ? await RestServer.start(worker, options.config['rest.host.name'], options.config['rest.port'], {
          advertisedHost: options.config['rest.advertised.host.name'],
          allowOrigins: options.config['access.control.allow.origin']
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean),
          usersFile: options.config['rest.basic.auth.users.file'],
        })
      : undefined;
    let closing: Promise<void> | undefined;
    return {
      worker,
      rest,
      close: () =>
        (closing ??= (async () => {
          await rest?.close();
          await worker.close();
          await options.client.close();
        })()),
    };
  } catch (err) {
    await worker.close().catch(() => undefined);
    throw err;
  }
}
