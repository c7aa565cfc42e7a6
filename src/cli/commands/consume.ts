import { once } from 'node:events';
import { type Command, Option } from 'commander';
import { BadInputError, OffsetOutOfRangeError, UnknownPartitionError } from '../../errors.js';
import type { Log, LogRecord } from '../../log/index.js';
import { integerArg, timeArg } from '../arg-parsers.js';
import { logDirOption, withLog } from '../log-dir.js';

interface ConsumeOptions {
  logDir: string;
  fromBeginning?: boolean;
  offset?: string;
  fromTime?: number;
  partition?: number;
  maxMessages?: number;
  format: 'text' | 'json';
  printKey?: boolean;
  keySeparator: string;
  follow: boolean;
}

/** How long one read waits for new data before looking again (and noticing Ctrl-C). */
const POLL_MS = 500;

const text = (b: Buffer | null) => (b === null ? null : b.toString('utf8'));

function render(topic: string, partition: number, r: LogRecord, o: ConsumeOptions): string {
  if (o.format === 'json') {
    const headers = r.headers.map((h) => ({ key: h.key, value: text(h.value) }));
    const { offset, timestamp } = r;
    return `${JSON.stringify({ topic, partition, offset, timestamp, key: text(r.key), value: text(r.value), headers })}\n`;
  }
  const value = text(r.value) ?? 'null';
  return o.printKey ? `${text(r.key) ?? 'null'}${o.keySeparator}${value}\n` : `${value}\n`;
}

/** The offset a partition is read from, as the options say; the log end (only new records) by default. */
async function startOffset(log: Log, topic: string, partition: number, o: ConsumeOptions): Promise<number> {
  const { logStartOffset, highWatermark } = log.offsets(topic, partition);
  if (o.fromBeginning || o.offset === 'earliest') return logStartOffset;
  if (o.fromTime !== undefined)
    return (await log.offsetForTime(topic, partition, o.fromTime)) ?? highWatermark;
  if (o.offset === undefined || o.offset === 'latest') return highWatermark;
  const offset = Number(o.offset);
  if (offset < logStartOffset || offset > highWatermark) {
    throw new OffsetOutOfRangeError(topic, partition, offset, logStartOffset, highWatermark);
  }
  return offset;
}

/**
 * Prints records of `topic` to `out` until `maxMessages` were printed, the reads catch up with the log end (when not
 * following), or `signal` aborts. Partitions are read side by side; within one, records come in offset order.
 */
export async function consume(
  log: Log,
  topic: string,
  out: NodeJS.WritableStream,
  o: ConsumeOptions,
  signal: AbortSignal,
): Promise<number> {
  const { partitions } = log.describeTopic(topic);
  if (o.partition !== undefined && o.partition >= partitions) {
    throw new UnknownPartitionError(topic, o.partition, partitions);
  }
  const chosen = o.partition === undefined ? [...Array(partitions).keys()] : [o.partition];
  const starts = await Promise.all(chosen.map((p) => startOffset(log, topic, p, o)));
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  let printed = 0;

  const readPartition = async (partition: number, offset: number) => {
    while (!stop.signal.aborted) {
      const maxWaitMs = o.follow ? POLL_MS : 0;
      const r = await log
        .readRecords(topic, partition, offset, { maxWaitMs, signal: stop.signal })
        .catch((err) => {
          if (stop.signal.aborted) return undefined;
          throw err;
        });
      if (!r) return;
      let chunk = '';
      for (const record of r.records) {
        if (stop.signal.aborted) break;
        if (record.offset < offset) continue;
        chunk += render(topic, partition, record, o);
        if (o.maxMessages !== undefined && ++printed >= o.maxMessages) {
          stop.abort();
          break;
        }
      }
      offset = r.nextOffset;
      if (chunk && !out.write(chunk)) await once(out, 'drain');
      if (!o.follow && offset >= r.highWatermark) return;
    }
  };
  try {
    await Promise.all(chosen.map((p, i) => readPartition(p, starts[i])));
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return printed;
}

/** `sluice consume <topic>`: print a topic's records as text or JSON lines. */
export function registerConsume(program: Command): void {
  program
    .command('consume')
    .description('print records of a topic, following new ones until --max-messages or Ctrl-C')
    .argument('<topic>', 'the topic')
    .option('--from-beginning', 'start at the oldest record instead of the log end')
    .option('--offset <offset>', 'start at this offset, or at earliest or latest')
    .option('--from-time <time>', 'start at the first record at or after this time (ISO or ms)', timeArg)
    .option('-p, --partition <n>', 'read only this partition', integerArg('--partition'))
    .option('-n, --max-messages <n>', 'exit after this many records', integerArg('--max-messages', 1))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--print-key', 'print the key before the value (text format)')
    .option('--key-separator <sep>', 'between key and value with --print-key', '\t')
    .option('--no-follow', 'exit at the end of the log instead of waiting for new records')
    .addOption(logDirOption())
    .addHelpText(
      'after',
      [
        '',
        'Example:',
        '  $ sluice consume orders --from-beginning --max-messages 10',
        '  $ sluice consume orders --from-time 2024-05-01T00:00:00Z --format json --no-follow',
        '',
      ].join('\n'),
    )
    .action(async (topic: string, o: ConsumeOptions) => {
      if (o.offset !== undefined && !/^(\d+|earliest|latest)$/.test(o.offset)) {
        throw new BadInputError(
          `--offset must be a number, earliest or latest, not ${JSON.stringify(o.offset)}`,
        );
      }
      const starts = [o.fromBeginning, o.offset, o.fromTime].filter((x) => x !== undefined);
      if (starts.length > 1) {
        throw new BadInputError('give only one of --from-beginning, --offset and --from-time');
      }
      const interrupted = new AbortController();
      const onSignal = () => interrupted.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      process.stdout.once('error', onSignal); // a closed pipe (`| head`) ends the read quietly
      try {
        await withLog(o.logDir, (log) => consume(log, topic, process.stdout, o, interrupted.signal));
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        process.stdout.off('error', onSignal);
      }
    });
}
