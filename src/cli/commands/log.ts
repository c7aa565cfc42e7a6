import { stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { Command } from 'commander';
import { BadInputError } from '../../errors.js';
import {
  type BatchDump,
  type DumpEnd,
  type DumpItem,
  dumpSegmentFile,
  type PrintableBytes,
  type RecordDump,
  repairLogDir,
  verifyLogDir,
} from '../../log/index.js';

const DEFAULT_LOG_DIR = './.sluice/data';

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function bytesText(bytes: PrintableBytes | null): string {
  if (bytes === null) return 'null';
  return bytes.encoding === 'utf8' ? JSON.stringify(bytes.text) : `base64:${bytes.text}`;
}

function batchLine(b: BatchDump): string {
  return [
    `position: ${b.position}`,
    `baseOffset: ${b.baseOffset}`,
    `lastOffset: ${b.lastOffset}`,
    `count: ${b.count}`,
    `size: ${b.size}`,
    `crc: 0x${b.crc.toString(16).padStart(8, '0')}`,
    `crcValid: ${b.crcValid}`,
    `compression: ${b.compression}`,
    `${b.timestampType === 'LogAppendTime' ? 'logAppendTime' : 'createTime'}`,
    `transactional: ${b.transactional}`,
    `control: ${b.control}`,
    `baseTimestamp: ${b.baseTimestamp}`,
    `maxTimestamp: ${b.maxTimestamp}`,
    `producerId: ${b.producerId}`,
    `producerEpoch: ${b.producerEpoch}`,
    `baseSequence: ${b.baseSequence}`,
    `leaderEpoch: ${b.partitionLeaderEpoch}`,
  ].join(' ');
}

function recordLine(r: RecordDump): string {
  const headers = r.headers.map((h) => `${JSON.stringify(h.key)}=${bytesText(h.value)}`).join(', ');
  return `| offset: ${r.offset} timestamp: ${r.timestamp} key: ${bytesText(r.key)} value: ${bytesText(r.value)} headers: [${headers}]`;
}

function itemText(item: DumpItem): string {
  switch (item.type) {
    case 'batch': {
      const lines = [batchLine(item)];
      if (item.problem) lines.push(`  damage: ${item.problem}`);
      for (const record of item.records ?? []) lines.push(recordLine(record));
      if (item.recordsProblem) lines.push(`  records not shown: ${item.recordsProblem}`);
      return lines.join('\n');
    }
    case 'index-entry':
      return `offset: ${item.offset} (relative ${item.relativeOffset}) position: ${item.position}`;
    case 'time-index-entry':
      return `timestamp: ${item.timestamp} offset: ${item.offset} (relative ${item.relativeOffset})`;
  }
}

function endText(end: DumpEnd, damaged: number): string {
  const noun = end.kind === 'log' ? 'batches' : 'entries';
  const parts = [`${end.items} ${noun}, ${end.fileSize} bytes`];
  if (end.padding) parts.push(`${end.padding} zero-filled entries at the end (preallocated)`);
  if (damaged > 0) parts.push(`${damaged} with a bad CRC`);
  return parts.join('; ');
}

async function requireExists(path: string, what: 'file' | 'directory'): Promise<void> {
  try {
    const info = await stat(path);
    if (what === 'file' ? !info.isFile() : !info.isDirectory()) throw new Error('wrong type');
  } catch {
    throw new BadInputError(`${path} is not a ${what} that can be read`, { file: path });
  }
}

async function dump(
  given: string,
  options: { records?: boolean; json?: boolean; logDir?: string },
): Promise<void> {
  const file = options.logDir !== undefined && !isAbsolute(given) ? join(options.logDir, given) : given;
  await requireExists(file, 'file');
  let damaged = 0;
  if (!options.json) out(`Dumping ${file}`);
  const end = await dumpSegmentFile(file, { records: options.records }, (item) => {
    if (item.type === 'batch' && !item.crcValid) damaged++;
    out(options.json ? JSON.stringify(item) : itemText(item));
  });
  if (options.json) out(JSON.stringify(end));
  else {
    if (!end.baseOffsetKnown) out(`note: the file name is not a 20-digit base offset; offsets assume base 0`);
    if (end.problem) out(`damage at position ${end.problem.position}: ${end.problem.reason}`);
    out(endText(end, damaged));
  }
  if (end.problem || damaged > 0) process.exitCode = 1;
}

async function verify(
  dir: string | undefined,
  options: { logDir?: string; json?: boolean; allowGaps?: boolean },
) {
  const target = dir ?? options.logDir ?? process.env.SLUICE_LOG_DIR ?? DEFAULT_LOG_DIR;
  await requireExists(target, 'directory');
  const report = await verifyLogDir(target, { allowGaps: options.allowGaps });
  if (options.json) out(JSON.stringify(report));
  else {
    for (const d of report.damage) {
      out(
        `DAMAGE ${d.kind} ${d.file}${d.position === undefined ? '' : ` at position ${d.position}`}: ${d.message}`,
      );
    }
    for (const note of report.notes) out(`note: ${note}`);
    const n = report.damage.length;
    out(
      `verified ${report.partitions} partitions, ${report.segments} segments, ${report.batches} batches, ${report.records} records: ${n === 0 ? 'no damage' : `${n} problem${n === 1 ? '' : 's'}`}`,
    );
  }
  if (report.damage.length > 0) process.exitCode = 1;
}

async function repair(
  dir: string | undefined,
  options: { logDir?: string; json?: boolean; dryRun?: boolean },
) {
  const target = dir ?? options.logDir ?? process.env.SLUICE_LOG_DIR ?? DEFAULT_LOG_DIR;
  await requireExists(target, 'directory');
  const report = await repairLogDir(target, { dryRun: options.dryRun });
  const unfixable = report.actions.filter((a) => a.kind === 'unfixable').length;
  if (options.json) out(JSON.stringify(report));
  else {
    const verb = report.dryRun ? 'WOULD' : 'DID';
    for (const a of report.actions) {
      const where = 'position' in a ? ` at position ${a.position}` : '';
      out(`${a.kind === 'unfixable' ? 'CANNOT' : verb} ${a.kind} ${a.file}${where}: ${a.message}`);
    }
    const fixable = report.actions.length - unfixable;
    if (report.actions.length === 0) out(`nothing to repair in ${target}`);
    else if (report.dryRun)
      out(`${fixable} repair${fixable === 1 ? '' : 's'} planned; run again without --dry-run to apply them`);
    else
      out(`${fixable} repair${fixable === 1 ? '' : 's'} done${unfixable > 0 ? `, ${unfixable} left` : ''}`);
  }
  if (unfixable > 0) process.exitCode = 1;
}

/** `sluice log dump|verify|repair`: byte-level tools for segment files, like Kafka's kafka-dump-log. */
export function registerLogCommand(program: Command): void {
  const log = program
    .command('log')
    .description('inspect and check the segment files of a log directory (Kafka layout)');

  log
    .command('dump')
    .description('print the batches of a .log segment, or the entries of an .index or .timeindex')
    .argument('<file>', 'a segment file: <20-digit base offset>.log, .index or .timeindex')
    .option('--records', 'also print every record of each batch (key, value, headers)')
    .option('--log-dir <dir>', 'read <file> relative to this log directory')
    .option('--json', 'print one JSON object per line, ending with a summary object')
    .addHelpText(
      'after',
      '\nExamples:\n  $ sluice log dump .sluice/data/orders-0/00000000000000000000.log --records\n  $ sluice log dump --log-dir .sluice/data orders-0/00000000000000000000.index\n\nExits 1 when the file holds damage (a bad CRC, a torn tail).',
    )
    .action(dump);

  log
    .command('verify')
    .description('check every batch CRC, offset order and index entry under a log directory')
    .argument('[dir]', 'the log directory, or one <topic>-<partition> directory (default: --log-dir)')
    .option(
      '--log-dir <dir>',
      `log directory when [dir] is not given (default: $SLUICE_LOG_DIR or ${DEFAULT_LOG_DIR})`,
    )
    .option('--allow-gaps', 'accept missing offsets between batches (compacted topics)')
    .option('--json', 'print the report as one JSON object')
    .addHelpText(
      'after',
      '\nExample:\n  $ sluice log verify .sluice/data\n\nExits 1 when any damage is found, printing each with its file and position.',
    )
    .action(verify);

  log
    .command('repair')
    .description('fix what verify reports: truncate torn tails, rebuild indexes, quarantine damaged batches')
    .argument('[dir]', 'the log directory (default: --log-dir); the log must not be open')
    .option(
      '--log-dir <dir>',
      `log directory when [dir] is not given (default: $SLUICE_LOG_DIR or ${DEFAULT_LOG_DIR})`,
    )
    .option('--dry-run', 'print what would be done and change nothing')
    .option('--json', 'print the report as one JSON object')
    .addHelpText(
      'after',
      '\nExamples:\n  $ sluice log repair .sluice/data --dry-run\n  $ sluice log repair .sluice/data\n\nDamaged bytes are moved to <dir>/quarantine/, never deleted. Exits 1 when something cannot be repaired (offsets whose segment is gone).',
    )
    .action(repair);
}
