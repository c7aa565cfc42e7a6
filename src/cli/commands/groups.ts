import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import type {
  Admin,
  ConsumerGroupDescription,
  OffsetResetPlanEntry,
  OffsetResetTarget,
} from '../../client/index.js';
import { BadInputError } from '../../errors.js';
import { type ConnectionOptions, connectionOptions, withClient } from '../connection.js';
import { formatTable } from '../format-table.js';

interface CommonOptions extends ConnectionOptions {
  json?: boolean;
}

interface DescribeOptions extends CommonOptions {
  allGroups?: boolean;
  members?: boolean;
  state?: boolean;
  offsets?: boolean;
}

interface ResetOptions extends CommonOptions {
  toEarliest?: boolean;
  toLatest?: boolean;
  toDatetime?: string;
  toOffset?: string;
  shiftBy?: string;
  toCurrent?: boolean;
  byDuration?: string;
  fromFile?: string;
  topic?: string[];
  allTopics?: boolean;
  dryRun?: boolean;
  execute?: boolean;
}

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** `--state`: one line per group, as Kafka's `--describe --state`. */
function printStates(groups: ConsumerGroupDescription[]): void {
  const rows = groups.map((g) => [g.groupId, g.protocol || '-', g.state, g.members.length]);
  out(formatTable(['GROUP', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'], rows));
}

/** `--members`: one line per member with how many partitions it owns, as Kafka's `--describe --members`. */
function printMembers(groups: ConsumerGroupDescription[]): void {
  const rows = groups.flatMap((g) =>
    g.members.map((m) => [g.groupId, m.memberId, m.clientHost, m.clientId, m.assignment.length]),
  );
  if (rows.length === 0) out(`(no active members in ${groups.map((g) => g.groupId).join(', ')})`);
  else out(formatTable(['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS'], rows));
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

const TARGET_FLAGS = [
  'to-earliest',
  'to-latest',
  'to-current',
  'to-datetime',
  'by-duration',
  'to-offset',
  'shift-by',
  'from-file',
] as const;

function resetTarget(options: ResetOptions, now = Date.now()): OffsetResetTarget | 'from-file' {
  const given: Record<(typeof TARGET_FLAGS)[number], boolean> = {
    'to-earliest': options.toEarliest === true,
    'to-latest': options.toLatest === true,
    'to-current': options.toCurrent === true,
    'to-datetime': options.toDatetime !== undefined,
    'by-duration': options.byDuration !== undefined,
    'to-offset': options.toOffset !== undefined,
    'shift-by': options.shiftBy !== undefined,
    'from-file': options.fromFile !== undefined,
  };
  const chosen = TARGET_FLAGS.filter((f) => given[f]);
  if (chosen.length !== 1) {
    throw new BadInputError(
      `reset-offsets needs exactly one of ${TARGET_FLAGS.map((f) => `--${f}`).join(', ')}${chosen.length > 1 ? ` (got --${chosen.join(', --')})` : ''}`,
    );
  }
  const integer = (flag: string, text: string): number => {
    const n = Number(text);
    if (!Number.isSafeInteger(n))
      throw new BadInputError(`--${flag} ${JSON.stringify(text)} is not an integer`);
    return n;
  };
  if (options.fromFile !== undefined) return 'from-file';
  if (options.toEarliest) return { to: 'earliest' };
  if (options.toLatest) return { to: 'latest' };
  // The committed offset stays; a partition without one gets the log start, as a shift by 0 does.
  if (options.toCurrent) return { to: 'shift', by: 0 };
  if (options.toOffset !== undefined) return { to: 'offset', offset: integer('to-offset', options.toOffset) };
  if (options.shiftBy !== undefined) return { to: 'shift', by: integer('shift-by', options.shiftBy) };
  if (options.byDuration !== undefined)
    return { to: 'timestamp', timestamp: now - isoDuration(options.byDuration) };
  const timestamp = Date.parse(options.toDatetime ?? '');
  if (Number.isNaN(timestamp)) {
    throw new BadInputError(
      `--to-datetime ${JSON.stringify(options.toDatetime)} is not a date; use ISO 8601, e.g. 2024-01-31T12:00:00Z`,
    );
  }
  return { to: 'timestamp', timestamp };
}

/** `--by-duration` takes Kafka's format, an ISO 8601 duration of days and time: `PT1H`, `P1DT12H`, `PT30M`, `PT0.5S`. */
export function isoDuration(text: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim());
  if (!m || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) {
    throw new BadInputError(
      `--by-duration ${JSON.stringify(text)} is not an ISO 8601 duration; write e.g. PT1H (an hour ago), P1DT12H, PT30M`,
    );
  }
  const [, d, h, min, sec] = m;
  return Math.round(
    Number(d ?? 0) * 86_400_000 +
      Number(h ?? 0) * 3_600_000 +
      Number(min ?? 0) * 60_000 +
      Number(sec ?? 0) * 1000,
  );
}

/** One line of a `--from-file` plan: Kafka's CSV of `topic,partition,offset`. */
interface FileTarget {
  topic: string;
  partition: number;
  offset: number;
}

/** Reads `--from-file`: one `topic,partition,offset` per line (what `--dry-run --export` of Kafka's tool writes). */
async function readPlanFile(file: string): Promise<FileTarget[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new BadInputError(`--from-file ${file}: ${(err as Error).message}`);
  }
  const targets: FileTarget[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(',').map((c) => c.trim());
    const [topic, partition, offset] = cells;
    const p = Number(partition);
    const o = Number(offset);
    if (
      cells.length !== 3 ||
      !topic ||
      !Number.isSafeInteger(p) ||
      p < 0 ||
      !Number.isSafeInteger(o) ||
      o < 0
    ) {
      throw new BadInputError(
        `${file} line ${i + 1}: expected topic,partition,offset with integers from 0, got ${JSON.stringify(raw)}`,
        { line: i + 1 },
      );
    }
    targets.push({ topic, partition: p, offset: o });
  });
  if (targets.length === 0) throw new BadInputError(`--from-file ${file}: no topic,partition,offset lines`);
  return targets;
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

function printPlan(groupId: string, plan: OffsetResetPlanEntry[], executed: boolean): void {
  if (plan.length === 0) {
    out(`group ${groupId}: nothing to reset (no committed offsets; name topics with --topic)`);
    return;
  }
  const rows = plan.map((p) => [p.topic, p.partition, p.current >= 0 ? p.current : '-', p.target]);
  out(formatTable(['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET'], rows));
  out();
  out(executed ? `group ${groupId}: offsets reset` : 'preview: nothing was changed (add --execute to apply)');
}

/**
 * Plans (and with `execute`, applies) a reset. Every line of a `--from-file` plan is checked and planned before
 * any is applied, so a bad line changes nothing.
 */
async function reset(admin: Admin, groupId: string, o: ResetOptions): Promise<OffsetResetPlanEntry[]> {
  const target = resetTarget(o);
  const execute = o.execute === true;
  if (target !== 'from-file') {
    if (!o.allTopics && (!o.topic || o.topic.length === 0)) {
      throw new BadInputError('reset-offsets needs a scope: --topic <topic[:partitions]> or --all-topics');
    }
    if (o.allTopics && o.topic && o.topic.length > 0) {
      throw new BadInputError('give --topic or --all-topics, not both');
    }
    return admin.resetOffsets({ groupId, topics: topicSelection(o.topic), target, dryRun: !execute });
  }
  if (o.allTopics || (o.topic && o.topic.length > 0)) {
    throw new BadInputError('--from-file names its own topics and partitions; drop --topic/--all-topics');
  }
  const lines = await readPlanFile(o.fromFile!);
  const planOf = (t: FileTarget, dryRun: boolean) =>
    admin.resetOffsets({
      groupId,
      topics: [{ topic: t.topic, partitions: [t.partition] }],
      target: { to: 'offset', offset: t.offset },
      dryRun,
    });
  const plan: OffsetResetPlanEntry[] = [];
  for (const t of lines) plan.push(...(await planOf(t, true)));
  if (execute) for (const t of lines) await planOf(t, false);
  return plan;
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
  $ sluice groups describe --all-groups --state
  $ sluice groups reset-offsets orders-app --all-topics --to-datetime 2024-01-31T12:00:00Z
  $ sluice groups reset-offsets orders-app --topic orders:0,1 --shift-by -100 --execute
  $ sluice groups delete orders-app`,
    );

  connectionOptions(groups.command('list').description('list the groups with their state'))
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

  connectionOptions(
    groups
      .command('describe')
      .description('members, partitions, committed offset, end offset and lag per partition')
      .argument('[group...]', 'group ids'),
  )
    .option('--all-groups', 'describe every group')
    .option('--members', 'one line per member: consumer id, host, client id and partition count')
    .option('--state', 'one line per group: assignor, state and member count')
    .option('--offsets', 'committed offset, end offset and lag per partition (the default)')
    .addOption(jsonOption())
    .action((ids: string[], options: DescribeOptions) =>
      withClient(options, async (client) => {
        const admin = client.admin();
        if (options.allGroups && ids.length > 0)
          throw new BadInputError('give group ids or --all-groups, not both');
        const wanted = options.allGroups ? (await admin.listGroups()).map((g) => g.groupId) : ids;
        if (!options.allGroups && wanted.length === 0)
          throw new BadInputError('name the groups to describe, or give --all-groups');
        if (wanted.length === 0) return out(options.json ? '[]' : '(no groups)');
        const described = await admin.describeGroups(wanted);
        if (options.json) return out(JSON.stringify(described, null, 2));
        const views = [options.state && 'state', options.members && 'members'].filter(Boolean);
        if (options.offsets || views.length === 0) views.push('offsets');
        views.forEach((view, i) => {
          if (i > 0) out();
          if (view === 'state') printStates(described);
          else if (view === 'members') printMembers(described);
          else
            described.forEach((group, j) => {
              if (j > 0) out();
              printDescription(group);
            });
        });
      }),
    );

  connectionOptions(
    groups
      .command('reset-offsets')
      .description(
        'move committed offsets of a group without active members: previews the plan unless given --execute',
      )
      .argument('<group>', 'group id'),
  )
    .option('--to-earliest', 'to the log start')
    .option('--to-latest', 'to the log end')
    .option('--to-current', 'to the committed offset (the log start where none is committed)')
    .option('--to-datetime <iso>', 'to the first record at or after this time (ISO 8601)')
    .option(
      '--by-duration <duration>',
      'to the first record at or after this long ago (ISO 8601: PT1H, P1DT12H)',
    )
    .option('--to-offset <n>', 'to this offset (clamped to the log)')
    .option('--shift-by <n>', 'by n from the committed offset (negative goes back)')
    .option('--from-file <csv>', 'to the offsets of a file of topic,partition,offset lines')
    .option('--topic <topic[:partitions]>', 'only this topic, or these partitions of it; repeatable', collect)
    .option('--all-topics', 'every topic the group has committed offsets for')
    .option('--dry-run', 'print the plan without applying it (the default)')
    .option('--execute', 'apply the plan')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      "\nAs Kafka's kafka-consumer-groups.sh: without --execute nothing changes, the plan is only printed.",
    )
    .action((groupId: string, options: ResetOptions) =>
      withClient(options, async (client) => {
        if (options.execute && options.dryRun)
          throw new BadInputError('give --execute or --dry-run, not both');
        const plan = await reset(client.admin(), groupId, options);
        const executed = options.execute === true;
        if (options.json) return out(JSON.stringify({ groupId, dryRun: !executed, plan }, null, 2));
        printPlan(groupId, plan, executed);
      }),
    );

  connectionOptions(
    groups
      .command('delete')
      .description('delete groups without active members, with their committed offsets')
      .argument('<group...>', 'group ids'),
  )
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
