import { type Command, Option } from 'commander';
import { embeddedClient } from '../../client/embedded/index.js';
import type {
  Client,
  ConsumerGroupDescription,
  OffsetResetPlanEntry,
  OffsetResetTarget,
} from '../../client/index.js';
import { BadInputError } from '../../errors.js';
import { formatTable } from '../format-table.js';
import { logDirOption, withLog } from '../log-dir.js';

interface CommonOptions {
  logDir: string;
  json?: boolean;
}

interface ResetOptions extends CommonOptions {
  toEarliest?: boolean;
  toLatest?: boolean;
  toDatetime?: string;
  toOffset?: string;
  shiftBy?: string;
  topic?: string[];
  dryRun?: boolean;
}

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** A client over the log in `--log-dir`, for the length of `fn`; the CLI never creates topics by accident. */
function withClient<T>(options: CommonOptions, fn: (client: Client) => Promise<T>): Promise<T> {
  return withLog(options.logDir, async (log) => {
    const client = embeddedClient(log, { autoCreateTopics: false });
    try {
      return await fn(client);
    } finally {
      await client.close();
    }
  });
}

function printDescription(group: ConsumerGroupDescription): void {
  const count = `${group.members.length} member${group.members.length === 1 ? '' : 's'}`;
  out(
    `group ${group.groupId}: ${group.state}${group.protocol ? `, assignor ${group.protocol}` : ''}, ${count}`,
  );
  out();
  const clients = new Map(group.members.map((m) => [m.memberId, m]));
  const rows: (string | number)[][] = [];
  for (const o of group.offsets) {
    const member = o.memberId ? clients.get(o.memberId) : undefined;
    rows.push([
      o.topic,
      o.partition,
      o.committed >= 0 ? o.committed : '-',
      o.endOffset,
      o.lag,
      o.memberId ?? '-',
      member?.clientHost ?? '-',
      member?.clientId ?? '-',
    ]);
  }
  const headers = [
    'TOPIC',
    'PARTITION',
    'CURRENT-OFFSET',
    'LOG-END-OFFSET',
    'LAG',
    'CONSUMER-ID',
    'HOST',
    'CLIENT-ID',
  ];
  out(
    group.offsets.length > 0
      ? formatTable(headers, rows)
      : '(no committed offsets and no assigned partitions)',
  );
  for (const m of group.members.filter((m) => m.assignment.length === 0)) {
    out(`member ${m.memberId} (${m.clientId}@${m.clientHost}) has no partitions`);
  }
}

function resetTarget(options: ResetOptions): OffsetResetTarget {
  const chosen = [
    options.toEarliest && 'to-earliest',
    options.toLatest && 'to-latest',
    options.toDatetime !== undefined && 'to-datetime',
    options.toOffset !== undefined && 'to-offset',
    options.shiftBy !== undefined && 'shift-by',
  ].filter(Boolean);
  if (chosen.length !== 1) {
    throw new BadInputError(
      `reset-offsets needs exactly one of --to-earliest, --to-latest, --to-datetime, --to-offset, --shift-by${chosen.length > 1 ? ` (got --${chosen.join(', --')})` : ''}`,
    );
  }
  const integer = (flag: string, text: string): number => {
    const n = Number(text);
    if (!Number.isSafeInteger(n))
      throw new BadInputError(`--${flag} ${JSON.stringify(text)} is not an integer`);
    return n;
  };
  if (options.toEarliest) return { to: 'earliest' };
  if (options.toLatest) return { to: 'latest' };
  if (options.toOffset !== undefined) return { to: 'offset', offset: integer('to-offset', options.toOffset) };
  if (options.shiftBy !== undefined) return { to: 'shift', by: integer('shift-by', options.shiftBy) };
  const timestamp = Date.parse(options.toDatetime ?? '');
  if (Number.isNaN(timestamp)) {
    throw new BadInputError(
      `--to-datetime ${JSON.stringify(options.toDatetime)} is not a date; use ISO 8601, e.g. 2024-01-31T12:00:00Z`,
    );
  }
  return { to: 'timestamp', timestamp };
}

/** `--topic orders` or `--topic orders:0,2` */
function topicSelection(
  specs: string[] | undefined,
): (string | { topic: string; partitions: number[] })[] | undefined {
  if (!specs || specs.length === 0) return undefined;
  return specs.map((spec) => {
    const colon = spec.lastIndexOf(':');
    if (colon < 0) return spec;
    const partitions = spec
      .slice(colon + 1)
      .split(',')
      .map((p) => Number(p));
    if (partitions.some((p) => !Number.isInteger(p) || p < 0)) {
      throw new BadInputError(
        `--topic ${JSON.stringify(spec)}: partitions are comma-separated integers, e.g. orders:0,2`,
      );
    }
    return { topic: spec.slice(0, colon), partitions };
  });
}

function printPlan(groupId: string, plan: OffsetResetPlanEntry[], dryRun: boolean): void {
  if (plan.length === 0) {
    out(`group ${groupId}: nothing to reset (no committed offsets; name topics with --topic)`);
    return;
  }
  const rows = plan.map((p) => [p.topic, p.partition, p.current >= 0 ? p.current : '-', p.target]);
  out(formatTable(['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET'], rows));
  out();
  out(dryRun ? 'dry run: nothing was changed (drop --dry-run to apply)' : `group ${groupId}: offsets reset`);
}

const jsonOption = () => new Option('--json', 'print JSON for scripts');

/** `sluice groups list|describe|reset-offsets|delete`: consumer groups of a log directory. */
export function registerGroupsCommand(program: Command): void {
  const groups = program
    .command('groups')
    .description('list, describe, reset and delete consumer groups')
    .addHelpText(
      'after',
      `
Examples:
  $ sluice groups list
  $ sluice groups describe orders-app --json
  $ sluice groups reset-offsets orders-app --to-datetime 2024-01-31T12:00:00Z --dry-run
  $ sluice groups reset-offsets orders-app --topic orders:0,1 --shift-by -100
  $ sluice groups delete orders-app`,
    );

  groups
    .command('list')
    .description('list the groups with their state')
    .addOption(logDirOption())
    .addOption(jsonOption())
    .action((options: CommonOptions) =>
      withClient(options, async (client) => {
        const list = await client.admin().listGroups();
        if (options.json) return out(JSON.stringify(list, null, 2));
        if (list.length === 0) return out('(no groups)');
        const rows = list.map((g) => [g.groupId, g.state, g.protocolType || '-']);
        out(formatTable(['GROUP', 'STATE', 'PROTOCOL-TYPE'], rows));
      }),
    );

  groups
    .command('describe')
    .description('members, partitions, committed offset, end offset and lag per partition')
    .argument('<group...>', 'group ids')
    .addOption(logDirOption())
    .addOption(jsonOption())
    .action((ids: string[], options: CommonOptions) =>
      withClient(options, async (client) => {
        const described = await client.admin().describeGroups(ids);
        if (options.json) return out(JSON.stringify(described, null, 2));
        described.forEach((group, i) => {
          if (i > 0) out();
          printDescription(group);
        });
      }),
    );

  groups
    .command('reset-offsets')
    .description('move committed offsets of a group without active members')
    .argument('<group>', 'group id')
    .option('--to-earliest', 'to the log start')
    .option('--to-latest', 'to the log end')
    .option('--to-datetime <iso>', 'to the first record at or after this time (ISO 8601)')
    .option('--to-offset <n>', 'to this offset (clamped to the log)')
    .option('--shift-by <n>', 'by n from the committed offset (negative goes back)')
    .option('--topic <topic[:partitions]>', 'only this topic, or these partitions of it; repeatable', collect)
    .option('--dry-run', 'print the plan without applying it')
    .addOption(logDirOption())
    .addOption(jsonOption())
    .action((groupId: string, options: ResetOptions) =>
      withClient(options, async (client) => {
        const plan = await client.admin().resetOffsets({
          groupId,
          topics: topicSelection(options.topic),
          target: resetTarget(options),
          dryRun: options.dryRun ?? false,
        });
        if (options.json)
          return out(JSON.stringify({ groupId, dryRun: options.dryRun ?? false, plan }, null, 2));
        printPlan(groupId, plan, options.dryRun ?? false);
      }),
    );

  groups
    .command('delete')
    .description('delete groups without active members, with their committed offsets')
    .argument('<group...>', 'group ids')
    .addOption(logDirOption())
    .addOption(jsonOption())
    .action((ids: string[], options: CommonOptions) =>
      withClient(options, async (client) => {
        await client.admin().deleteGroups(ids);
        if (options.json) return out(JSON.stringify({ deleted: ids }));
        for (const id of ids) out(`deleted group ${id}`);
      }),
    );
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
