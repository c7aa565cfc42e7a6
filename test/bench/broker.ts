/**
 * `npm run bench -- broker`: sluice's Kafka-protocol broker driven by real clients, in one run.
 *
 * - kcat (librdkafka) `-P` and `-C` of 1,000,000 records of 100 bytes through the broker;
 * - kafkajs producer (acks=1 and acks=all) and consumer throughput;
 * - produce latency with acks=all at 10,000 records/s (kafkajs, a send of 10 records every millisecond);
 * - the ceiling: the same records appended to the embedded log directly, in batches of 1,000.
 *
 * Options: `--records N` (default 1,000,000), `--kafkajs-records N` (default 200,000), `--latency-seconds N`
 * (default 5), `--json`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { runBroker } from '../../src/broker/index.js';
import { encodeRecordBatch, Log } from '../../src/log/index.js';
import { kafkajsConsume, kafkajsLatency, kafkajsProduce } from './broker/kafkajs.js';
import { kcatConsume, kcatProduce, writeLines } from './broker/kcat.js';
import { wireLatency } from './broker/wire-latency.js';
import { flag, formatTable, human, wantsJson } from './report.js';

interface Latency {
  client: string;
  sends: number;
  p50: number;
  p99: number;
  max: number;
}

function summarize(client: string, samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const max = sorted[sorted.length - 1];
  return { client, sends: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max };
}

interface Row {
  case: string;
  subject: string;
  records: number;
  ms: number;
}

function numberFlag(args: string[], name: string, fallback: number): number {
  const value = flag(args, name);
  return value === undefined ? fallback : Number(value);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function embeddedCeiling(dir: string, records: number, valueSize: number): Promise<number> {
  const log = await Log.open({ dir, logger: pino({ level: 'silent' }) });
  await log.createTopic('ceiling', { partitions: 1 });
  const value = Buffer.alloc(valueSize, 'x');
  const batch = encodeRecordBatch(Array.from({ length: 1000 }, () => ({ value })));
  const start = performance.now();
  for (let i = 0; i < records; i += 1000)
    await log.appendBatches('ceiling', 0, Buffer.from(batch), { acks: 1 });
  const ms = performance.now() - start;
  await log.close();
  return ms;
}

export async function run(args: string[]): Promise<void> {
  const records = numberFlag(args, 'records', 1_000_000);
  const jsRecords = numberFlag(args, 'kafkajs-records', 200_000);
  const latencySeconds = numberFlag(args, 'latency-seconds', 5);
  const valueSize = 100;
  const root = await mkdtemp(join(tmpdir(), 'sluice-bench-broker-'));
  const rows: Row[] = [];
  const latency: Latency[] = [];
  const broker = await runBroker({
    logDir: join(root, 'data'),
    config: { listen: '127.0.0.1:0' },
    logger: pino({ level: 'warn' }),
  });
  try {
    for (const t of ['kcat', 'kafkajs', 'latency']) await broker.log.createTopic(t, { partitions: 1 });
    const lines = join(root, 'lines.txt');
    await writeLines(lines, records, valueSize);
    rows.push({
      case: `produce ${valueSize} B, acks=all`,
      subject: 'kcat -P',
      records,
      ms: await kcatProduce(broker.bootstrap, 'kcat', lines),
    });
    rows.push({
      case: `consume ${valueSize} B`,
      subject: 'kcat -C',
      records,
      ms: await kcatConsume(broker.bootstrap, 'kcat'),
    });
    rows.push({
      case: `produce ${valueSize} B, acks=1`,
      subject: 'kafkajs',
      records: jsRecords,
      ms: await kafkajsProduce(broker.bootstrap, 'kafkajs', jsRecords, valueSize, 1),
    });
    rows.push({
      case: `produce ${valueSize} B, acks=all`,
      subject: 'kafkajs',
      records: jsRecords,
      ms: await kafkajsProduce(broker.bootstrap, 'kafkajs', jsRecords, valueSize, -1),
    });
    rows.push({
      case: `consume ${valueSize} B`,
      subject: 'kafkajs',
      records: 2 * jsRecords,
      ms: await kafkajsConsume(broker.bootstrap, 'kafkajs', 2 * jsRecords),
    });
    const port = broker.server.address.port;
    latency.push(
      summarize('bare protocol client', await wireLatency(port, 'latency', 10, latencySeconds, valueSize)),
    );
    latency.push(
      summarize('kafkajs', await kafkajsLatency(broker.bootstrap, 'latency', 10, latencySeconds, valueSize)),
    );
  } finally {
    await broker.close();
  }
  rows.push({
    case: `append ${valueSize} B, acks=1`,
    subject: 'embedded log (ceiling)',
    records,
    ms: await embeddedCeiling(join(root, 'ceiling'), records, valueSize),
  });
  await rm(root, { recursive: true, force: true });

  if (wantsJson(args)) {
    process.stdout.write(`${JSON.stringify({ rows, latency }, null, 2)}\n`);
    return;
  }
  const table = rows.map((r) => [
    r.case,
    r.subject,
    human(r.records),
    `${(r.ms / 1000).toFixed(2)} s`,
    `${human(r.records / (r.ms / 1000))}/s`,
  ]);
  process.stdout.write(`${formatTable(['case', 'subject', 'records', 'time', 'rate'], table)}\n`);
  process.stdout.write('\nproduce latency, acks=all, 10,000 records/s (a request of 10 records every ms):\n');
  for (const l of latency) {
    process.stdout.write(
      `  ${l.client.padEnd(22)} ${l.sends} requests: p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms, ` +
        `max ${l.max.toFixed(2)} ms\n`,
    );
  }
  process.stdout.write(
    `(load average ${(await import('node:os')).loadavg()[0].toFixed(1)} on this machine)\n`,
  );
}
