import type { Command } from 'commander';

/**
 * `sluice connect standalone worker.yaml connector.yaml...`: Kafka's `connect-standalone`, on the embedded log
 * (`log.dir`) or a Kafka-protocol cluster (`bootstrap.servers`). Config files may be `.properties`, YAML or JSON.
 * SIGINT/SIGTERM stop every task gracefully: sinks flush and commit, sources commit their offsets.
 */
export function registerConnectCommand(program: Command): void {
  const group = program.command('connect').description('Run Kafka Connect-style connectors');
  group
    .command('standalone')
    .description('Run connectors in this process, with the REST API on 127.0.0.1:8083')
    .argument('<worker>', 'worker config (.properties, .yaml or .json)')
    .argument('<connectors...>', 'one config file per connector')
    .addHelpText(
      'after',
      '\nExample:\n  sluice connect standalone worker.properties file-source.properties\n' +
        '  curl -s 127.0.0.1:8083/connectors/local-file-source/status',
    )
    .action(async (workerFile: string, connectorFiles: string[]) => {
      // Loaded here, not at the top: the runtime and every connector (pg, chokidar...) would slow every command.
      const [{ builtinConnectors }, { connect }, { parseWorkerConfig, readConfigFile, startStandalone }] =
        await Promise.all([
          import('../../../connectors/index.js'),
          import('../../client/index.js'),
          import('../../connect/runtime/index.js'),
        ]);
      const config = parseWorkerConfig(await readConfigFile(workerFile), workerFile);
      const connectors = await Promise.all(connectorFiles.map(readConfigFile));
      const servers = config['bootstrap.servers'];
      const client = await connect({
        log: servers
          ? { brokers: servers.split(',').map((s) => s.trim()) }
          : { dir: config['log.dir'] ?? './.sluice/data' },
        clientId: 'sluice-connect',
      });
      const standalone = await startStandalone({
        client,
        config,
        connectors,
        plugins: builtinConnectors,
      }).catch(async (err) => {
        await client.close();
        throw err;
      });
      if (standalone.rest) process.stderr.write(`sluice connect: REST API on ${standalone.rest.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          process.stderr.write(`sluice connect: ${signal}, stopping connectors\n`);
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void standalone.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
