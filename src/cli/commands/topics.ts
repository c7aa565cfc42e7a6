import type { Command } from 'commander';
import type { Admin, TopicInfo } from '../../client/index.js';
import { BadInputError, TopicExistsError } from '../../errors.js';
import type { TopicConfig } from '../../log/index.js';
import { configPair, integerArg, repeatable, topicConfig } from '../arg-parsers.js';
import { type ConnectionOptions, connectionOptions, withClient } from '../connection.js';
import { formatTable } from '../format-table.js';

/** A topic with the offsets of each of its partitions: what `topics describe` prints. */
interface TopicReport {
  name: string;
  partitions: number;
  /** The effective config: overrides over the defaults. */
  config: TopicConfig;
  /** The keys whose value differs from the default, as Kafka's `--describe` lists them. */
  overrides: Partial<TopicConfig>;
  offsets: { partition: number; logStartOffset: number; highWatermark: number }[];
}

/** Kafka's topic defaults, as the log applies them; loaded with the first describe. */
async function defaults(): Promise<TopicConfig> {
  const { topicConfigSchema } = await import('../../log/index.js');
  return topicConfigSchema.parse({}) as TopicConfig;
}

function report(info: TopicInfo, base: TopicConfig): TopicReport {
  const overrides: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(info.config)) {
    if (base[k as keyof TopicConfig] !== v) overrides[k] = v;
  }
  return {
    name: info.name,
    partitions: info.partitions.length,
    config: info.config,
    overrides: overrides as Partial<TopicConfig>,
    offsets: info.partitions.map(({ partition, logStartOffset, highWatermark }) => ({
      partition,
      logStartOffset,
      highWatermark,
    })),
  };
}

function printReport(r: TopicReport, all: boolean): string {
  const shown = Object.entries(all ? r.config : r.overrides).map(([k, v]) => `    ${k}=${v}`);
  const table = formatTable(
    ['partition', 'start', 'end', 'records'],
    r.offsets.map((o) => [
      o.partition,
      o.logStartOffset,
      o.highWatermark,
      o.highWatermark - o.logStartOffset,
    ]),
  );
  const indented = table
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
  const config =
    shown.length > 0
      ? `  config${all ? '' : ' (overrides; --all for every key)'}:\n${shown.join('\n')}\n`
      : '  config: defaults only (--all lists them)\n';
  return `topic ${r.name}, ${r.partitions} partition${r.partitions === 1 ? '' : 's'}\n${indented}\n${config}`;
}

const example = (lines: string[]) => `\nExample:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

async function requireTopic(admin: Admin, name: string): Promise<TopicInfo> {
  const [info] = await admin.describeTopics([name]);
  return info!;
}

/** `sluice topics create|list|describe|alter|delete`. */
export function registerTopics(program: Command): void {
  const topics = program.command('topics').description('create, list, describe, alter and delete topics');

  connectionOptions(
    topics
      .command('create')
      .description('create a topic')
      .argument('<topic>', 'topic name: letters, digits, ".", "_" and "-", at most 249 characters'),
  )
    .option('-p, --partitions <n>', 'number of partitions', integerArg('--partitions', 1), 1)
    .option(
      '--replication-factor <n>',
      "copies of each partition; sluice's log keeps one (accepted for Kafka's scripts)",
      integerArg('--replication-factor', 1),
    )
    .option('-c, --config <key=value>', 'a topic config, repeatable (retention.ms=86400000)', configPair, [])
    .option('--if-not-exists', 'succeed when the topic already exists')
    .addHelpText(
      'after',
      example(['sluice topics create orders --partitions 3 --config retention.ms=86400000']),
    )
    .action(
      async (
        name: string,
        o: ConnectionOptions & {
          partitions: number;
          replicationFactor?: number;
          config: [string, string][];
          ifNotExists?: boolean;
        },
      ) => {
        if (
          o.replicationFactor !== undefined &&
          o.replicationFactor !== 1 &&
          o.bootstrapServer === undefined
        ) {
          throw new BadInputError(
            `--replication-factor ${o.replicationFactor}: an embedded log keeps one copy of each partition; use 1`,
          );
        }
        await withClient(o, async (client) => {
          const admin = client.admin();
          const config = topicConfig(o.config) as Partial<TopicConfig>;
          try {
            await admin.createTopics([{ name, partitions: o.partitions, config }]);
          } catch (err) {
            if (o.ifNotExists && err instanceof TopicExistsError) return;
            throw err;
          }
          const created = await requireTopic(admin, name);
          process.stdout.write(`created topic ${name} with ${created.partitions.length} partition(s)\n`);
        });
      },
    );

  connectionOptions(topics.command('list').description('list the topics in the log'))
    .option('--json', 'print a JSON array')
    .addHelpText(
      'after',
      example(['sluice topics list', 'sluice topics list --json --bootstrap-server 127.0.0.1:9092']),
    )
    .action(async (o: ConnectionOptions & { json?: boolean }) => {
      await withClient(o, async (client) => {
        const names = [...(await client.admin().listTopics())].sort();
        if (o.json) process.stdout.write(`${JSON.stringify(names)}\n`);
        else if (names.length > 0) process.stdout.write(`${names.join('\n')}\n`);
      });
    });

  connectionOptions(
    topics
      .command('describe')
      .description(
        'show partitions with their start and end offsets, and the config overrides, of one topic or all',
      )
      .argument('[topic]', 'the topic; all topics when omitted'),
  )
    .option('--all', 'list every config key, defaults included')
    .option('--json', 'print JSON (config: every key; overrides: those that differ from the default)')
    .addHelpText('after', example(['sluice topics describe orders', 'sluice topics describe --all --json']))
    .action(async (name: string | undefined, o: ConnectionOptions & { json?: boolean; all?: boolean }) => {
      await withClient(o, async (client) => {
        const admin = client.admin();
        const names = name === undefined ? [...(await admin.listTopics())].sort() : [name];
        const base = await defaults();
        const reports =
          names.length > 0 ? (await admin.describeTopics(names)).map((i) => report(i, base)) : [];
        if (o.json) {
          process.stdout.write(`${JSON.stringify(name === undefined ? reports : reports[0], null, 2)}\n`);
        } else {
          process.stdout.write(reports.map((r) => printReport(r, o.all === true)).join('\n'));
        }
      });
    });

  connectionOptions(
    topics
      .command('alter')
      .description("change a topic's config, or grow its partitions")
      .argument('<topic>', 'the topic'),
  )
    .option('-c, --config <key=value>', 'set a config, repeatable', configPair, [])
    .option('--delete-config <key>', 'return a config to its default, repeatable', repeatable, [])
    .option('-p, --partitions <n>', 'grow the topic to this many partitions', integerArg('--partitions', 1))
    .addHelpText(
      'after',
      example([
        'sluice topics alter orders --config cleanup.policy=compact --delete-config retention.ms',
        'sluice topics alter orders --partitions 6',
      ]),
    )
    .action(
      async (
        name: string,
        o: ConnectionOptions & { config: [string, string][]; deleteConfig: string[]; partitions?: number },
      ) => {
        if (o.config.length === 0 && o.deleteConfig.length === 0 && o.partitions === undefined) {
          throw new BadInputError('nothing to alter: give --config, --delete-config or --partitions');
        }
        await withClient(o, async (client) => {
          const admin = client.admin();
          if (o.config.length > 0 || o.deleteConfig.length > 0) {
            const unset = o.deleteConfig as (keyof TopicConfig)[]; // the log checks the names
            await admin.alterTopicConfig(name, topicConfig(o.config) as Partial<TopicConfig>, unset);
          }
          if (o.partitions !== undefined) await admin.createPartitions(name, o.partitions);
          const d = await requireTopic(admin, name);
          process.stdout.write(`altered topic ${name} (${d.partitions.length} partition(s))\n`);
        });
      },
    );

  connectionOptions(
    topics.command('delete').description('delete a topic and all its data').argument('<topic>', 'the topic'),
  )
    .addHelpText('after', example(['sluice topics delete orders']))
    .action(async (name: string, o: ConnectionOptions) => {
      await withClient(o, async (client) => {
        await client.admin().deleteTopics([name]);
        process.stdout.write(`deleted topic ${name}\n`);
      });
    });
}
