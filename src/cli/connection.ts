import { type Command, Option } from 'commander';
import type { Client } from '../client/index.js';
import { BadInputError } from '../errors.js';
import { logDirOption } from './log-dir.js';

/** Where a command reads and writes: a log directory opened in this process, or a Kafka-protocol cluster. */
export interface ConnectionOptions {
  logDir: string;
  bootstrapServer?: string;
}

/**
 * Adds `--log-dir` and `--bootstrap-server` (Kafka's name) to a command. With `--bootstrap-server` the command goes
 * through the Kafka protocol (`sluice broker`, a `sluice run --serve`, Apache Kafka), so it also works while another
 * process holds the log directory.
 */
export function connectionOptions(command: Command): Command {
  return command
    .addOption(logDirOption())
    .addOption(
      new Option(
        '--bootstrap-server <host:port,...>',
        'reach a Kafka-protocol broker instead of opening --log-dir (sluice broker, sluice run --serve, Kafka)',
      ).env('SLUICE_BOOTSTRAP_SERVER'),
    );
}

/** The `host:port` list of `--bootstrap-server`, checked. */
export function bootstrapServers(value: string): string[] {
  const servers = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = servers.find((s) => !/^[^\s:]+:\d+$/.test(s) && !/^\[[^\]]+\]:\d+$/.test(s));
  if (servers.length === 0 || bad !== undefined) {
    throw new BadInputError(
      `--bootstrap-server ${JSON.stringify(value)}: expected host:port[,host:port...], e.g. 127.0.0.1:9092`,
    );
  }
  return servers;
}

/**
 * Runs `fn` with a client on what the options name and closes it afterwards, also when `fn` throws. On a log
 * directory, topics are never created by accident; a directory held by another process fails with a clear error
 * that points at `--bootstrap-server`.
 */
export async function withClient<T>(o: ConnectionOptions, fn: (client: Client) => Promise<T>): Promise<T> {
  if (o.bootstrapServer !== undefined) {
    const servers = bootstrapServers(o.bootstrapServer);
    const { kafkaClient } = await import('../client/kafka/index.js');
    const client = kafkaClient({ brokers: servers, clientId: 'sluice-cli' });
    try {
      return await fn(client);
    } finally {
      await client.close();
    }
  }
  const [{ Log }, { embeddedClient }] = await Promise.all([
    import('../log/index.js'),
    import('../client/embedded/index.js'),
  ]);
  const log = await Log.open({ dir: o.logDir, autoCreateTopics: false });
  const client = embeddedClient(log, { autoCreateTopics: false, clientId: 'sluice-cli' });
  try {
    return await fn(client);
  } finally {
    await client.close();
    await log.close();
  }
}
