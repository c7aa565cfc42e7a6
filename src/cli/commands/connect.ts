import type { Command } from 'commander';
import { cliLogger, type LoggingOptions, loggingOptions } from '../logging.js';

/**
 * `sluice connect standalone worker.yaml connector.yaml...`: Kafka's `connect-standalone`, on the embedded log
 * (`log.dir`) or a Kafka-protocol cluster (`bootstrap.servers`). Config files may be `.properties`, YAML or JSON.
 * SIGINT/SIGTERM stop every task gracefully: sinks flush and commit, sources commit their offsets.
 */
export function registerConnectCommand(program: Command): void {
  const group = program.command('connect').description('Run Kafka Connect-style connectors');
  loggingOptions(group.command('standalone'))
    .description('Run connectors in this process, with the REST API on 127.0.0.1:8083')
    .argument('<worker>', 'worker config (.properties, .yaml or .json)')
    .argument('<connectors...>', 'one config file per connector')
    .option(
      '--serve [host:port]',
      'serve the embedded log over the Kafka protocol too, for --bootstrap-server and Kafka tools (default 127.0.0.1:9092)',
    )
    .addHelpText(
      'after',
      '\nExample:\n  sluice connect standalone worker.properties file-source.properties\n' +
        '  curl -s 127.0.0.1:8083/connectors/local-file-source/status\n\n' +
        "Kafka's own config/connect-standalone.properties is accepted as shipped: listeners sets the REST address,\n" +
        'plugin.path loads connector packages or modules (each exporting connector definitions), and keys sluice does\n' +
        'not use (offset.storage.file.filename: offsets are kept in the log) are reported as warnings.',
    )
    .action(
      async (
        workerFile: string,
        connectorFiles: string[],
        o: LoggingOptions & { serve?: string | boolean },
      ) => {
        // Loaded here, not at the top: the runtime and every connector (pg, chokidar...) would slow every command.
        const [
          { builtinConnectors },
          { connect, embeddedClient, pickKafkaSecurity },
          { parseWorkerConfig, readConfigFile, startStandalone, loadPluginPath },
        ] = await Promise.all([
          import('../../../connectors/index.js'),
          import('../../client/index.js'),
          import('../../connect/runtime/index.js'),
        ]);
        const config = parseWorkerConfig(await readConfigFile(workerFile), workerFile);
        for (const w of config.warnings)
          process.stderr.write(`sluice connect: ${workerFile}: warning: ${w}\n`);
        const plugins = config['plugin.path']
          ? [
              ...builtinConnectors,
              ...(await loadPluginPath(config['plugin.path'], process.cwd(), builtinConnectors)),
            ]
          : builtinConnectors;
        const connectors = await Promise.all(connectorFiles.map(readConfigFile));
        const servers = config['bootstrap.servers'];
        const dir = config['log.dir'] ?? './.sluice/data';
        const listen =
          o.serve === undefined ? undefined : o.serve === true ? '127.0.0.1:9092' : String(o.serve);
        if (listen && servers) {
          process.stderr.write(
            'sluice connect: --serve is for an embedded log; this worker uses bootstrap.servers\n',
          );
        }
        let served: import('../../broker/index.js').ServedLog | undefined;
        let client: import('../../client/index.js').Client;
        if (listen && !servers) {
          // The log is opened here so that the broker and the worker's clients share it and its groups.
          const [{ Log }, { serveLog }] = await Promise.all([
            import('../../log/index.js'),
            import('../../broker/index.js'),
          ]);
          const log = await Log.open({ dir, autoCreateTopics: true, defaultPartitions: 1 });
          client = embeddedClient(log, { clientId: 'sluice-connect', ownsLog: true });
          served = await serveLog(log, { listen }).catch(async (err) => {
            await client.close();
            throw err;
          });
          process.stderr.write(
            `sluice connect: serving the log on ${served.bootstrap} (--bootstrap-server)\n`,
          );
        } else {
          client = await connect({
            log: servers
              ? { ...pickKafkaSecurity(config), brokers: servers.split(',').map((s) => s.trim()) }
              : { dir },
            clientId: 'sluice-connect',
          });
        }
        const logger = await cliLogger(o, { level: 'info', terminal: process.stderr.isTTY === true });
        const standalone = await startStandalone({ client, config, connectors, plugins, logger }).catch(
          async (err) => {
            await served?.close();
            await client.close();
            throw err;
          },
        );
        if (standalone.rest) process.stderr.write(`sluice connect: REST API on ${standalone.rest.url}\n`);
        await new Promise<void>((resolve) => {
          const stop = (signal: NodeJS.Signals) => {
            process.stderr.write(`sluice connect: ${signal}, stopping connectors\n`);
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            // The listener goes first, then the worker and the log (closed with the client).
            void (served?.close() ?? Promise.resolve()).then(() => standalone.close()).then(resolve);
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
      },
    );
}
