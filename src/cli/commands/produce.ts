import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { BadInputError, UnknownPartitionError } from '../../errors.js';
import { type Acks, type AppendRecord, type Log, partitionForKey } from '../../log/index.js';
import { acksArg, integerArg } from '../arg-parsers.js';
import { logDirOption, withLog } from '../log-dir.js';

interface ProduceOptions {
  logDir: string;
  keySeparator?: string;
  partition?: number;
  acks: Acks;
  batchSize: number;
}

/**
 * Appends each line of `input` to `topic` as one record. With a key separator, the text before its first occurrence
 * is the key and a keyed record goes to the partition Kafka's default partitioner picks (murmur2 of the key), so
 * keys land where a Java producer would put them; unkeyed records fill one partition's batch, then the next.
 * Returns the number of records appended.
 */
export async function produceLines(
  log: Log,
  topic: string,
  input: Readable,
  o: ProduceOptions,
): Promise<number> {
  const { partitions } = log.describeTopic(topic);
  if (o.partition !== undefined && o.partition >= partitions) {
    throw new UnknownPartitionError(topic, o.partition, partitions);
  }
  const pending: AppendRecord[][] = Array.from({ length: partitions }, () => []);
  let sticky = Math.floor(Math.random() * partitions);
  let count = 0;
  const flush = async (p: number) => {
    if (pending[p].length === 0) return;
    const records = pending[p];
    pending[p] = [];
    await log.append(topic, p, records, { acks: o.acks });
  };

  let lineNo = 0;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNo++;
    let key: Buffer | null = null;
    let value = line;
    if (o.keySeparator !== undefined) {
      const at = line.indexOf(o.keySeparator);
      if (at < 0) {
        throw new BadInputError(
          `line ${lineNo} has no key separator ${JSON.stringify(o.keySeparator)}; write key${o.keySeparator}value`,
          { line: lineNo },
        );
      }
      key = Buffer.from(line.slice(0, at));
      value = line.slice(at + o.keySeparator.length);
    }
    const p = o.partition ?? (key ? partitionForKey(key, partitions) : sticky);
    pending[p].push({ key, value: Buffer.from(value) });
    count++;
    if (pending[p].length >= o.batchSize) {
      await flush(p);
      if (p === sticky && key === null) sticky = (sticky + 1) % partitions;
    }
  }
  for (let p = 0; p < partitions; p++) await flush(p);
  return count;
}

/** `sluice produce <topic>`: lines from stdin into a topic. */
export function registerProduce(program: Command): void {
  program
    .command('produce')
    .description('append lines from stdin to a topic, one record per line')
    .argument('<topic>', 'the topic (create it with `sluice topics create`)')
    .option('-k, --key-separator <sep>', 'split each line into key and value at the first <sep>')
    .option('-p, --partition <n>', 'append every record to this partition', integerArg('--partition'))
    .option('--acks <acks>', '0, 1, or all (resolve once fsynced)', acksArg, 1 as Acks)
    .option('--batch-size <n>', 'records per append', integerArg('--batch-size', 1), 1000)
    .addOption(logDirOption())
    .addHelpText(
      'after',
      [
        '',
        'Example:',
        "  $ printf 'alice:1\\nbob:2\\n' | sluice produce orders --key-separator :",
        '  $ cat events.jsonl | sluice produce events --acks all',
        '',
      ].join('\n'),
    )
    .action(async (topic: string, o: ProduceOptions) => {
      await withLog(o.logDir, (log) => produceLines(log, topic, process.stdin, o));
    });
}
