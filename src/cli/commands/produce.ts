import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { type Command, InvalidArgumentError } from 'commander';
import type { Client, Header, ProducerRecord } from '../../client/index.js';
import { BadInputError, UnknownPartitionError } from '../../errors.js';
import type { Acks } from '../../log/index.js';
import { acksArg, integerArg, repeatable } from '../arg-parsers.js';
import { type ConnectionOptions, connectionOptions, withClient } from '../connection.js';

interface ProduceOptions extends ConnectionOptions {
  keySeparator?: string;
  partition?: number;
  acks: Acks;
  batchSize: number;
  /** `-H key=value`: headers every record gets, as kcat's. */
  header: string[];
  /** `--property name=value`, as kafka-console-producer's. */
  property: [string, string][];
}

/** The `--property` names of kafka-console-producer's LineMessageReader that sluice follows. */
const PRODUCER_PROPERTIES = [
  'parse.key',
  'key.separator',
  'parse.headers',
  'headers.delimiter',
  'headers.separator',
  'headers.key.separator',
  'null.marker',
  'ignore.error',
] as const;

/** How each line is split into headers, key and value. */
interface LineFormat {
  keySeparator: string | undefined;
  parseHeaders: boolean;
  headersDelimiter: string;
  headersSeparator: string;
  headersKeySeparator: string;
  nullMarker: string | undefined;
  fixedHeaders: Header[];
}

function lineFormat(o: ProduceOptions): LineFormat {
  const props = new Map<string, string>();
  for (const [k, v] of o.property) {
    if (!(PRODUCER_PROPERTIES as readonly string[]).includes(k)) {
      throw new BadInputError(
        `--property ${k}: unknown; the producer takes ${PRODUCER_PROPERTIES.join(', ')}`,
      );
    }
    props.set(k, v);
  }
  const flag = (k: string) => {
    const v = props.get(k);
    if (v === undefined) return false;
    if (v === 'true' || v === 'false') return v === 'true';
    throw new BadInputError(`--property ${k}=${v}: expected true or false`);
  };
  const parseKey = flag('parse.key');
  if (parseKey && o.keySeparator !== undefined) {
    throw new BadInputError('give --key-separator or --property parse.key=true, not both');
  }
  const fixedHeaders = o.header.map((h) => {
    const eq = h.indexOf('=');
    if (eq <= 0) throw new BadInputError(`-H ${JSON.stringify(h)}: expected key=value, e.g. -H source=cli`);
    return { key: h.slice(0, eq), value: Buffer.from(h.slice(eq + 1)) };
  });
  return {
    keySeparator: parseKey ? (props.get('key.separator') ?? '\t') : o.keySeparator,
    parseHeaders: flag('parse.headers'),
    headersDelimiter: props.get('headers.delimiter') ?? '\t',
    headersSeparator: props.get('headers.separator') ?? ',',
    headersKeySeparator: props.get('headers.key.separator') ?? ':',
    nullMarker: props.get('null.marker'),
    fixedHeaders,
  };
}

/** One line as a record: `[headers<delimiter>][key<separator>]value`, in kafka-console-producer's order. */
function parseLine(
  line: string,
  lineNo: number,
  f: LineFormat,
): ProducerRecord<Buffer | null, Buffer | null> {
  let rest = line;
  const headers: Header[] = [...f.fixedHeaders];
  if (f.parseHeaders) {
    const at = rest.indexOf(f.headersDelimiter);
    if (at < 0) {
      throw new BadInputError(
        `line ${lineNo} has no headers delimiter ${JSON.stringify(f.headersDelimiter)}; write h1${f.headersKeySeparator}v1${f.headersSeparator}h2${f.headersKeySeparator}v2${f.headersDelimiter}value`,
        { line: lineNo },
      );
    }
    const text = rest.slice(0, at);
    rest = rest.slice(at + f.headersDelimiter.length);
    for (const pair of text === '' ? [] : text.split(f.headersSeparator)) {
      const sep = pair.indexOf(f.headersKeySeparator);
      const key = sep < 0 ? pair : pair.slice(0, sep);
      if (key === '') throw new BadInputError(`line ${lineNo}: a header without a key`, { line: lineNo });
      const value = sep < 0 ? null : pair.slice(sep + f.headersKeySeparator.length);
      headers.push({ key, value: value === null || value === f.nullMarker ? null : Buffer.from(value) });
    }
  }
  let key: Buffer | null = null;
  if (f.keySeparator !== undefined) {
    const at = rest.indexOf(f.keySeparator);
    if (at < 0) {
      throw new BadInputError(
        `line ${lineNo} has no key separator ${JSON.stringify(f.keySeparator)}; write key${f.keySeparator}value`,
        { line: lineNo },
      );
    }
    const k = rest.slice(0, at);
    key = k === f.nullMarker ? null : Buffer.from(k);
    rest = rest.slice(at + f.keySeparator.length);
  }
  const value = rest === f.nullMarker ? null : Buffer.from(rest);
  return { key, value, ...(headers.length > 0 ? { headers } : {}) };
}

/**
 * Sends each line of `input` to `topic` as one record. A keyed record goes to the partition Kafka's default
 * partitioner picks (murmur2 of the key), so keys land where a Java producer would put them. Returns the number of
 * records sent; every one is acknowledged (as `acks` says) when it resolves.
 */
export async function produceLines(
  client: Client,
  topic: string,
  input: Readable,
  o: ProduceOptions,
): Promise<number> {
  const format = lineFormat(o);
  const partitions = (await client.admin().partitionOffsets(topic)).length;
  if (o.partition !== undefined && o.partition >= partitions) {
    throw new UnknownPartitionError(topic, o.partition, partitions);
  }
  const producer = client.producer<Buffer | null, Buffer | null>({
    acks: o.acks,
    'allow.auto.create.topics': false,
    'client.id': 'sluice-produce',
  });
  let count = 0;
  try {
    let pending: ProducerRecord<Buffer | null, Buffer | null>[] = [];
    let lineNo = 0;
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      lineNo++;
      const record = parseLine(line, lineNo, format);
      pending.push(o.partition === undefined ? record : { ...record, partition: o.partition });
      if (pending.length >= o.batchSize) {
        await producer.send(topic, pending);
        count += pending.length;
        pending = [];
      }
    }
    if (pending.length > 0) await producer.send(topic, pending);
    count += pending.length;
    await producer.flush();
  } finally {
    await producer.close();
  }
  return count;
}

function property(value: string, previous: [string, string][] = []): [string, string][] {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected name=value, e.g. parse.headers=true');
  return [...previous, [value.slice(0, eq).trim(), value.slice(eq + 1)]];
}

/** `sluice produce <topic>`: lines from stdin into a topic. */
export function registerProduce(program: Command): void {
  connectionOptions(
    program
      .command('produce')
      .description('append lines from stdin to a topic, one record per line')
      .argument('<topic>', 'the topic (create it with `sluice topics create`)'),
  )
    .option('-k, --key-separator <sep>', 'split each line into key and value at the first <sep>')
    .option('-p, --partition <n>', 'append every record to this partition', integerArg('--partition'))
    .option('-H, --header <key=value>', 'a header for every record, repeatable (as kcat -H)', repeatable, [])
    .option(
      '--property <name=value>',
      `as kafka-console-producer: ${PRODUCER_PROPERTIES.join(', ')}; repeatable`,
      property,
      [],
    )
    .option('--acks <acks>', '0, 1, or all (resolve once fsynced)', acksArg, 1 as Acks)
    .option('--batch-size <n>', 'records per send', integerArg('--batch-size', 1), 1000)
    .addHelpText(
      'after',
      [
        '',
        'Example:',
        "  $ printf 'alice:1\\nbob:2\\n' | sluice produce orders --key-separator :",
        '  $ cat events.jsonl | sluice produce events --acks all -H source=backfill',
        "  $ printf 'trace:7\\tk\\tv\\n' | sluice produce events --property parse.headers=true --property parse.key=true",
        '',
      ].join('\n'),
    )
    .action(async (topic: string, o: ProduceOptions) => {
      await withClient(o, (client) => produceLines(client, topic, process.stdin, o));
    });
}
