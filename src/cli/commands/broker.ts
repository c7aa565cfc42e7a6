import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { logDirOption } from '../log-dir.js';
import { cliLogger, loggingOptions } from '../logging.js';

function integer(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n))
      throw new ConfigError(`${name} must be an integer, got "${value}"`, { key: name });
    return n;
  };
}

/**
 * `sluice broker`: serves a log directory over the Kafka wire protocol until SIGINT or SIGTERM, then shuts down
 * gracefully and closes the log cleanly (no recovery needed at the next start).
 */
export function registerBrokerCommand(program: Command): void {
  loggingOptions(program.command('broker'))
    .description(
      'Serve a log directory over the Kafka protocol, for any Kafka client and for several workers',
    )
    .addOption(logDirOption())
    .option(
      '--listen <host:port>',
      'address to listen on (loopback unless asked otherwise)',
      '127.0.0.1:9092',
    )
    .option('--advertised-listener <host:port>', 'address clients are told to connect to (default: --listen)')
    .option('--partitions <n>', 'partitions of auto-created topics', integer('--partitions'), 1)
    .option('--no-auto-create-topics', 'refuse topics that do not exist instead of creating them')
    .option(
      '--max-request-bytes <n>',
      'largest request accepted (socket.request.max.bytes)',
      integer('--max-request-bytes'),
    )
    .option('--tls-cert <file>', 'PEM certificate: listen with TLS (clients use security.protocol=SSL)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--tls-ca <file>', 'PEM CA: require client certificates signed by it')
    .option(
      '--sasl-users <file>',
      'JSON users file: require SASL PLAIN or SCRAM-SHA-256/512 (see docs/broker.md)',
    )
    .addHelpText(
      'after',
      '\nExample:\n  sluice broker --log-dir ./data --listen 127.0.0.1:9092\n  kcat -b 127.0.0.1:9092 -L',
    )
    .action(async (opts) => {
      // Loaded here, not at the top: the wire protocol server is of no use to the other commands.
      const { runBroker } = await import('../../broker/index.js');
      const logger = await cliLogger(opts, { level: 'info', terminal: process.stderr.isTTY === true });
      const broker = await runBroker({
        logDir: opts.logDir,
        logger: logger.child({ name: 'sluice-broker' }),
        config: {
          listen: opts.listen,
          ...(opts.advertisedListener ? { advertisedListener: opts.advertisedListener } : {}),
          'num.partitions': opts.partitions,
          'auto.create.topics.enable': opts.autoCreateTopics,
          ...(opts.maxRequestBytes ? { 'socket.request.max.bytes': opts.maxRequestBytes } : {}),
          ...(opts.tlsCert ? { tlsCert: opts.tlsCert } : {}),
          ...(opts.tlsKey ? { tlsKey: opts.tlsKey } : {}),
          ...(opts.tlsCa ? { tlsCa: opts.tlsCa } : {}),
          ...(opts.saslUsers ? { saslUsers: opts.saslUsers } : {}),
        },
      });
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          process.stderr.write(`sluice broker: ${signal}, shutting down\n`);
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void broker.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
