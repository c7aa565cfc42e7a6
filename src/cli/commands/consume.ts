import { once } from 'node:events';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Client, ConsumerRecord, Header, TopicPartitionOffset } from '../../client/index.js';
import { BadInputError, OffsetOutOfRangeError, UnknownPartitionError } from '../../errors.js';
import { integerArg, timeArg } from '../arg-parsers.js';
import { type ConnectionOptions, connectionOptions, withClient } from '../connection.js';

export interface ConsumeOptions extends ConnectionOptions {
  fromBeginning?: boolean;
  offset?: string;
  fromTime?: number;
  partition?: number;
  maxMessages?: number;
  format: 'text' | 'json';
  printKey?: boolean;
  keySeparator: string;
  follow: boolean;
  /** Read as a member of this consumer group and commit what was printed, as kafka-console-consumer --group. */
  group?: string;
  /** `--property name=value`, as kafka-console-consumer's formatter takes them. */
  property?: [string, string][];
  /** kcat's `-f` output format. */
  kcatFormat?: string;
}

type Record = ConsumerRecord<Buffer | null, Buffer | null>;

const text = (b: Buffer | null) => (b === null ? null : b.toString('utf8'));

/** The `--property` names of kafka-console-consumer's DefaultMessageFormatter that sluice follows. */
const CONSUMER_PROPERTIES = [
  'print.timestamp',
  'print.partition',
  'print.offset',
  'print.headers',
  'print.key',
  'print.value',
  'key.separator',
  'line.separator',
  'headers.separator',
  'headers.key.separator',
  'null.literal',
] as const;

/** Turns one record into its output text. */
type Render = (r: Record) => string;

function headersText(headers: Header[], separator: string, keySeparator: string, nul: string): string {
  if (headers.length === 0) return 'NO_HEADERS';
  return headers.map((h) => `${h.key}${keySeparator}${text(h.value) ?? nul}`).join(separator);
}

/** kafka-console-consumer's DefaultMessageFormatter: `CreateTime:t  Partition:p  Offset:o  headers  key  value`. */
function consoleFormatter(o: ConsumeOptions): Render {
  const props = new Map<string, string>();
  for (const [k, v] of o.property ?? []) {
    if (!(CONSUMER_PROPERTIES as readonly string[]).includes(k)) {
      throw new BadInputError(
        `--property ${k}: unknown; the consumer takes ${CONSUMER_PROPERTIES.join(', ')}`,
      );
    }
    props.set(k, v);
  }
  const flag = (k: string, dflt: boolean) => {
    const v = props.get(k);
    if (v === undefined) return dflt;
    if (v === 'true' || v === 'false') return v === 'true';
    throw new BadInputError(`--property ${k}=${v}: expected true or false`);
  };
  const show = {
    timestamp: flag('print.timestamp', false),
    partition: flag('print.partition', false),
    offset: flag('print.offset', false),
    headers: flag('print.headers', false),
    key: flag('print.key', o.printKey === true),
    value: flag('print.value', true),
  };
  const sep = props.get('key.separator') ?? o.keySeparator;
  const line = props.get('line.separator') ?? '\n';
  const hSep = props.get('headers.separator') ?? ',';
  const hKeySep = props.get('headers.key.separator') ?? ':';
  const nul = props.get('null.literal') ?? 'null';
  return (r) => {
    const parts: string[] = [];
    if (show.timestamp) parts.push(`CreateTime:${r.timestamp}`);
    if (show.partition) parts.push(`Partition:${r.partition}`);
    if (show.offset) parts.push(`Offset:${r.offset}`);
    if (show.headers) parts.push(headersText(r.headers, hSep, hKeySep, nul));
    if (show.key) parts.push(text(r.key) ?? nul);
    if (show.value) parts.push(text(r.value) ?? nul);
    return parts.join(sep) + line;
  };
}

/**
 * kcat's `-f` format: `%t` topic, `%p` partition, `%o` offset, `%k` key, `%s` value, `%T` timestamp, `%h`
 * headers (`k=v,k=v`), `%K`/`%S` key/value length in bytes (-1 for null), `%%`, and `\n`, `\t`, `\r`, `\\`.
 */
export function kcatFormatter(format: string): Render {
  const parts: (string | ((r: Record) => string))[] = [];
  let literal = '';
  const flush = () => {
    if (literal) parts.push(literal);
    literal = '';
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    const next = format[i + 1];
    if (c === '\\' && next !== undefined && 'ntr\\'.includes(next)) {
      literal += { n: '\n', t: '\t', r: '\r', '\\': '\\' }[next];
      i++;
    } else if (c === '%' && next !== undefined) {
      i++;
      const field: ((r: Record) => string) | undefined = {
        t: (r: Record) => r.topic,
        p: (r: Record) => String(r.partition),
        o: (r: Record) => String(r.offset),
        k: (r: Record) => text(r.key) ?? '',
        s: (r: Record) => text(r.value) ?? '',
        T: (r: Record) => String(r.timestamp),
        h: (r: Record) => r.headers.map((h) => `${h.key}=${text(h.value) ?? ''}`).join(','),
        K: (r: Record) => String(r.key === null ? -1 : r.key.length),
        S: (r: Record) => String(r.value === null ? -1 : r.value.length),
      }[next];
      if (next === '%') literal += '%';
      else if (field) {
        flush();
        parts.push(field);
      } else throw new BadInputError(`-f ${JSON.stringify(format)}: unknown field %${next}`);
    } else literal += c;
  }
  flush();
  return (r) => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : p(r);
    return out;
  };
}

function renderer(o: ConsumeOptions): Render {
  if (o.kcatFormat !== undefined) {
    if (o.format === 'json') throw new BadInputError('give --format json or -f, not both');
    return kcatFormatter(o.kcatFormat);
  }
  if (o.format === 'json') {
    return (r) => {
      const headers = r.headers.map((h) => ({ key: h.key, value: text(h.value) }));
      const { topic, partition, offset, timestamp } = r;
      return `${JSON.stringify({ topic, partition, offset, timestamp, key: text(r.key), value: text(r.value), headers })}\n`;
    };
  }
  return consoleFormatter(o);
}

/** The offset a partition is read from, as the options say; the log end (only new records) by default. */
async function startOffset(
  client: Client,
  topic: string,
  p: { partition: number; logStartOffset: number; highWatermark: number },
  o: ConsumeOptions,
): Promise<number> {
  const { logStartOffset, highWatermark } = p;
  if (o.fromBeginning || o.offset === 'earliest') return logStartOffset;
  if (o.fromTime !== undefined) {
    const found = await client.admin().offsetsForTimestamp(topic, o.fromTime);
    return found.find((f) => f.partition === p.partition)?.offset ?? highWatermark;
  }
  if (o.offset === undefined || o.offset === 'latest') return highWatermark;
  const offset = Number(o.offset);
  if (offset < logStartOffset || offset > highWatermark) {
    throw new OffsetOutOfRangeError(topic, p.partition, offset, logStartOffset, highWatermark);
  }
  return offset;
}

/**
 * Prints records of `topic` to `out` until `maxMessages` were printed, every partition read reached the end it had
 * when reading started (when not following), or `signal` aborts. Partitions are read side by side; within one,
 * records come in offset order. With a group, the partitions are the group's to assign, reading starts at the
 * group's committed offsets, and what was printed is committed. Returns the number of records printed.
 */
export async function consume(
  client: Client,
  topic: string,
  out: NodeJS.WritableStream,
  o: ConsumeOptions,
  signal: AbortSignal,
): Promise<number> {
  const render = renderer(o);
  const admin = client.admin();
  const partitions = await admin.partitionOffsets(topic);
  if (o.partition !== undefined && o.partition >= partitions.length) {
    throw new UnknownPartitionError(topic, o.partition, partitions.length);
  }
  if (
    o.group !== undefined &&
    (o.partition !== undefined || o.offset !== undefined || o.fromTime !== undefined)
  ) {
    throw new BadInputError(
      "--group reads from the group's committed offsets; --partition, --offset and --from-time are for reading without one",
    );
  }
  const consumer = client.consumer<Buffer | null, Buffer | null>({
    ...(o.group !== undefined
      ? { groupId: o.group, 'auto.offset.reset': o.fromBeginning ? 'earliest' : 'latest' }
      : {}),
    'enable.auto.commit': false,
    'client.id': 'sluice-consume',
  });
  /** Where reading of each partition stops (not following): its end when reading started. */
  const ends = new Map(partitions.map((p) => [p.partition, p.highWatermark]));
  /** The next offset of each partition read: where it stands. */
  const positions = new Map<number, number>();
  const printedUpTo = new Map<number, number>();
  let printed = 0;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  stop.signal.addEventListener('abort', () => void consumer.stop(), { once: true });
  const commit = async () => {
    if (o.group === undefined || printedUpTo.size === 0) return;
    const offsets: TopicPartitionOffset[] = [...printedUpTo].map(([partition, offset]) => ({
      topic,
      partition,
      offset,
    }));
    printedUpTo.clear();
    await consumer.commit(offsets);
  };
  const caughtUp = () =>
    !o.follow && [...positions].every(([partition, at]) => at >= (ends.get(partition) ?? 0));
  try {
    if (o.group !== undefined) {
      await consumer.subscribe(topic);
      for (const tp of consumer.assignment()) {
        const [committed] = await consumer.committed([tp]);
        const info = partitions.find((p) => p.partition === tp.partition)!;
        const from =
          committed && committed.offset >= 0
            ? committed.offset
            : o.fromBeginning
              ? info.logStartOffset
              : info.highWatermark;
        positions.set(tp.partition, from);
      }
    } else {
      const chosen =
        o.partition === undefined ? partitions : partitions.filter((p) => p.partition === o.partition);
      const starts = await Promise.all(chosen.map((p) => startOffset(client, topic, p, o)));
      await consumer.assign(chosen.map((p) => ({ topic, partition: p.partition })));
      chosen.forEach((p, i) => {
        consumer.seek({ topic, partition: p.partition, offset: starts[i]! });
        positions.set(p.partition, starts[i]!);
      });
    }
    if (caughtUp() || stop.signal.aborted) return 0;
    for await (const batch of consumer) {
      let chunk = '';
      for (const record of batch.records) {
        if (stop.signal.aborted) break;
        chunk += render(record);
        positions.set(batch.partition, record.offset + 1);
        printedUpTo.set(batch.partition, record.offset + 1);
        printed++;
        if (o.maxMessages !== undefined && printed >= o.maxMessages) {
          stop.abort();
          break;
        }
      }
      // Past transaction markers too, where the backend knows: a partition ending in one is still caught up.
      const position = consumer.position?.({ topic, partition: batch.partition });
      if (!stop.signal.aborted && position !== undefined && position > (positions.get(batch.partition) ?? 0))
        positions.set(batch.partition, position);
      if (chunk && !out.write(chunk)) await once(out, 'drain');
      await commit();
      if (caughtUp()) stop.abort();
      if (stop.signal.aborted) break;
    }
    await commit();
  } finally {
    signal.removeEventListener('abort', onAbort);
    await consumer.close();
  }
  return printed;
}

function property(value: string, previous: [string, string][] = []): [string, string][] {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected name=value, e.g. print.offset=true');
  return [...previous, [value.slice(0, eq).trim(), value.slice(eq + 1)]];
}

/** `sluice consume <topic>`: print a topic's records as text or JSON lines. */
export function registerConsume(program: Command): void {
  connectionOptions(
    program
      .command('consume')
      .description('print records of a topic, following new ones until --max-messages or Ctrl-C')
      .argument('<topic>', 'the topic'),
  )
    .option('--from-beginning', 'start at the oldest record instead of the log end')
    .option('--offset <offset>', 'start at this offset, or at earliest or latest')
    .option('--from-time <time>', 'start at the first record at or after this time (ISO or ms)', timeArg)
    .option('-p, --partition <n>', 'read only this partition', integerArg('--partition'))
    .option(
      '-g, --group <group>',
      'read as a member of this consumer group, from its committed offsets, committing what was printed (kafka-console-consumer --group, kcat -G)',
    )
    .option('-n, --max-messages <n>', 'exit after this many records', integerArg('--max-messages', 1))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--print-key', 'print the key before the value (text format)')
    .option('--key-separator <sep>', 'between key and value with --print-key', '\t')
    .option(
      '--property <name=value>',
      `as kafka-console-consumer: ${CONSUMER_PROPERTIES.join(', ')}; repeatable`,
      property,
      [],
    )
    .option('-f, --kcat-format <format>', "kcat's -f output format: %t %p %o %k %s %T %h %K %S, \\n \\t")
    .option('--no-follow', 'exit at the end of the log instead of waiting for new records')
    .addHelpText(
      'after',
      [
        '',
        'Example:',
        '  $ sluice consume orders --from-beginning --max-messages 10',
        '  $ sluice consume orders --from-time 2024-05-01T00:00:00Z --format json --no-follow',
        '  $ sluice consume orders --group audit --from-beginning --property print.offset=true',
        "  $ sluice consume orders -f '%p:%o %k=%s\\n' --bootstrap-server 127.0.0.1:9092",
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
        await withClient(o, (client) => consume(client, topic, process.stdout, o, interrupted.signal));
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        process.stdout.off('error', onSignal);
      }
    });
}
