import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { runBroker } from '../../src/broker/index.js';
import { waitFor } from '../pipeline/wait.js';
import { runSluice, startSluice } from './compiled-cli.js';
import { numbersConnectorModule } from './connect-plugins.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-connect-standalone-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Kafka's config/connect-standalone.properties as shipped (comments shortened), but for the broker's address. */
function kafkaWorkerFile(bootstrap: string, pluginPath: string): string {
  return `# These are defaults. This file just demonstrates how to override some settings.
bootstrap.servers=${bootstrap}

# The converters specify the format of data in Kafka and how to translate it into Connect data.
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=true
value.converter.schemas.enable=true

offset.storage.file.filename=/tmp/connect.offsets
# Flush much faster than normal, which is useful for testing/debugging
offset.flush.interval.ms=10000

# List of comma-separated URIs the REST API will listen on. The supported protocols are HTTP and HTTPS.
listeners=HTTP://127.0.0.1:0

# Set to a list of filesystem paths separated by commas (,) to enable class loading isolation for plugins
plugin.path=${pluginPath}
`;
}

describe('cli › connect standalone with Kafka’s own worker file', () => {
  it('accepts connect-standalone.properties as shipped, loads plugin.path, and warns about unused keys', async () => {
    const plugins = join(dir, 'plugins');
    mkdirSync(plugins);
    writeFileSync(join(plugins, 'numbers.mjs'), numbersConnectorModule('numbersSource', 'NumbersSource'));
    writeFileSync(join(dir, 'test.txt'), 'foo\nbar\n');
    const broker = await runBroker({
      logDir: join(dir, 'log'),
      config: { listen: '127.0.0.1:0' },
      logger: pino({ level: 'silent' }),
    });
    const worker = join(dir, 'connect-standalone.properties');
    writeFileSync(worker, kafkaWorkerFile(broker.bootstrap, plugins));
    // Kafka's config/connect-file-source.properties, and one for the plugin's connector.
    const fileSource = join(dir, 'connect-file-source.properties');
    writeFileSync(
      fileSource,
      `name=local-file-source\nconnector.class=FileStreamSource\ntasks.max=1\nfile=${join(dir, 'test.txt')}\ntopic=connect-test\n`,
    );
    const numbers = join(dir, 'numbers.properties');
    writeFileSync(numbers, 'name=numbers\nconnector.class=NumbersSource\ntopic=numbers\ncount=3\n');
    const run = startSluice(['connect', 'standalone', worker, fileSource, numbers]);
    try {
      await waitFor('the REST API', () => {
        if (run.child.exitCode !== null) throw new Error(`exited early: ${run.stderr()}`);
        return /REST API on http:\/\/127\.0\.0\.1:\d+/.test(run.stderr());
      });
      expect(run.stderr()).toContain(
        'warning: offset.storage.file.filename is not used: source offsets are kept in the log',
      );
      const url = /REST API on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stderr())![1]!;
      const status = async (name: string) =>
        ((await (await fetch(`${url}/connectors/${name}/status`)).json()) as { tasks: { state: string }[] })
          .tasks[0]?.state;
      const deadline = Date.now() + 60_000;
      while ((await status('numbers')) !== 'FINISHED' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(await status('numbers')).toBe('FINISHED');
      expect(await status('local-file-source')).toBe('RUNNING');

      const read = async (topic: string, n: number) => {
        const r = await runSluice([
          'consume',
          topic,
          '--from-beginning',
          '--max-messages',
          String(n),
          '--bootstrap-server',
          broker.bootstrap,
        ]);
        return r.stdout.trim().split('\n');
      };
      // schemas.enable=true, as the file says: Kafka's JsonConverter envelope.
      expect((await read('numbers', 3)).map((l) => JSON.parse(l).payload.n)).toEqual([0, 1, 2]);
      expect((await read('connect-test', 2)).map((l) => JSON.parse(l).payload)).toEqual(['foo', 'bar']);
    } finally {
      run.child.kill('SIGTERM');
      await run.done;
      await broker.close();
    }
    const ended = await run.done;
    expect(ended.code, ended.stderr).toBe(0);
  }, 180_000);

  it('still refuses a typo of a key it knows, naming the nearest', async () => {
    const worker = join(dir, 'typo.properties');
    writeFileSync(worker, `log.dir=${join(dir, 'typo-log')}\noffset.flush.interval=5\n`);
    const connector = join(dir, 'c.properties');
    writeFileSync(
      connector,
      `name=c\nconnector.class=FileStreamSource\nfile=${join(dir, 'test.txt')}\ntopic=t\n`,
    );
    const r = await runSluice(['connect', 'standalone', worker, connector]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('did you mean "offset.flush.interval.ms"');
  }, 120_000);
});
