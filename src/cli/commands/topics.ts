import type { Command } from 'commander';
import { BadInputError } from '../../errors.js';
import type { Log, TopicConfig, TopicDescription } from '../../log/index.js';
import { configPair, integerArg, repeatable, topicConfig } from '../arg-parsers.js';
import { formatTable } from '../format-table.js';
import { logDirOption, withLog } from '../log-dir.js';

interface LogDirOpts {
  logDir: string;
}

/** A topic with the offsets of each of its partitions: what `topics describe` prints. */
interface TopicReport extends TopicDescription {
  offsets: { partition: number; logStartOffset: number; highWatermark: number }[];
}

function report(log: Log, name: string): TopicReport {
  const description = log.describeTopic(name);
  const offsets = Array.from({ length: description.partitions }, (_, partition) => {
    const { logStartOffset, highWatermark } = log.offsets(name, partition);
    return { partition, logStartOffset, highWatermark };
  });
  return { ...description, offsets };
}

function printReport(r: TopicReport): string {
  const config = Object.entries(r.config as TopicConfig).map(([k, v]) => `    ${k}=${v}`);
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
  return `topic ${r.name}, ${r.partitions} partition${r.partitions === 1 ? '' : 's'}\n${indented}\n  config:\n${config.join('\n')}\n`;
}

const example = (lines: string[]) => `\nExample:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

/** `sluice topics create|list|describe|alter|delete`. */
export function registerTopics(program: Command): void {
  const topics = program.command('topics').description('create, list, describe, alter and delete topics');

  topics
    .command('create')
    .description('create a topic')
    .argument('<topic>', 'topic name: letters, digits, ".", "_" and "-", at most 249 characters')
    .option('-p, --partitions <n>', 'number of partitions', integerArg('--partitions', 1), 1)
    .option('-c, --config <key=value>', 'a topic config, repeatable (retention.ms=86400000)', configPair, [])
    .option('--if-not-exists', 'succeed when the topic already exists')
    .addOption(logDirOption())
    .addHelpText(
      'after',
      example(['sluice topics create orders --partitions 3 --config retention.ms=86400000']),
    )
    .action(
      async (
        name: string,
        o: LogDirOpts & { partitions: number; config: [string, string][]; ifNotExists?: boolean },
      ) => {
        await withLog(o.logDir, async (log) => {
          if (o.ifNotExists && log.hasTopic(name)) return;
          const config = topicConfig(o.config) as Partial<TopicConfig>;
          const created = await log.createTopic(name, { partitions: o.partitions, config });
          process.stdout.write(`created topic ${created.name} with ${created.partitions} partition(s)\n`);
        });
      },
    );

  topics
    .command('list')
    .description('list the topics in the log')
    .option('--json', 'print a JSON array')
    .addOption(logDirOption())
    .addHelpText(
      'after',
      example(['sluice topics list', 'sluice topics list --json --log-dir /var/lib/sluice']),
    )
    .action(async (o: LogDirOpts & { json?: boolean }) => {
      await withLog(o.logDir, async (log) => {
        const names = [...log.listTopics()].sort();
        if (o.json) process.stdout.write(`${JSON.stringify(names)}\n`);
        else if (names.length > 0) process.stdout.write(`${names.join('\n')}\n`);
      });
    });

  topics
    .command('describe')
    .description('show partitions with their start and end offsets, and the config, of one topic or all')
    .argument('[topic]', 'the topic; all topics when omitted')
    .option('--json', 'print JSON')
    .addOption(logDirOption())
    .addHelpText('after', example(['sluice topics describe orders', 'sluice topics describe --json']))
    .action(async (name: string | undefined, o: LogDirOpts & { json?: boolean }) => {
      await withLog(o.logDir, async (log) => {
        const names = name === undefined ? [...log.listTopics()].sort() : [name];
        const reports = names.map((n) => report(log, n));
        if (o.json) {
          process.stdout.write(`${JSON.stringify(name === undefined ? reports : reports[0], null, 2)}\n`);
        } else {
          process.stdout.write(reports.map(printReport).join('\n'));
        }
      });
    });

  topics
    .command('alter')
    .description("change a topic's config, or grow its partitions")
    .argument('<topic>', 'the topic')
    .option('-c, --config <key=value>', 'set a config, repeatable', configPair, [])
    .option('--delete-config <key>', 'return a config to its default, repeatable', repeatable, [])
    .option('-p, --partitions <n>', 'grow the topic to this many partitions', integerArg('--partitions', 1))
    .addOption(logDirOption())
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
        o: LogDirOpts & { config: [string, string][]; deleteConfig: string[]; partitions?: number },
      ) => {
        if (o.config.length === 0 && o.deleteConfig.length === 0 && o.partitions === undefined) {
          throw new BadInputError('nothing to alter: give --config, --delete-config or --partitions');
        }
        await withLog(o.logDir, async (log) => {
          if (o.config.length > 0 || o.deleteConfig.length > 0) {
            const unset = o.deleteConfig as (keyof TopicConfig)[]; // the log checks the names
            await log.alterTopicConfig(name, topicConfig(o.config) as Partial<TopicConfig>, unset);
          }
          if (o.partitions !== undefined) await log.createPartitions(name, o.partitions);
          const d = log.describeTopic(name);
          process.stdout.write(`altered topic ${d.name} (${d.partitions} partition(s))\n`);
        });
      },
    );

  topics
    .command('delete')
    .description('delete a topic and all its data')
    .argument('<topic>', 'the topic')
    .addOption(logDirOption())
    .addHelpText('after', example(['sluice topics delete orders']))
    .action(async (name: string, o: LogDirOpts) => {
      await withLog(o.logDir, async (log) => {
        await log.deleteTopic(name);
        process.stdout.write(`deleted topic ${name}\n`);
      });
    });
}
