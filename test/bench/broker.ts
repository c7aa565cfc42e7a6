/**
 * `npm run bench -- broker`: sluice's Kafka-protocol broker driven by real clients, in one run.
 *
 * - kcat (librdkafka) `-P` and `-C` of 1,000,000 records of 100 bytes through the broker;
 * - kafkajs producer (acks=1 and acks=all) and consumer throughput;
 * - produce latency with acks=all at 10,000 records/s (kafkajs, a send of 10 records every millisecond);
 * - the ceiling: the same records appended to the embedded log directly, in batches of 1,000;
 * - the disk's floor under acks=all latency: an append of one request's batch and its fdatasync, back to back.
 *
 * The broker runs in a process of its own, as deployed; each row gives the broker process's CPU time per record
 * (the embedded row: this process's) and the rate as a fraction of the ceiling, which hold steadier than wall
 * rates on a loaded machine.
 *
 * Options: `--records N` (default 1,000,000), `--kafkajs-records N` (default 200,000), `--latency-seconds N`
 * (default 5), `--json`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { encodeRecordBatch, Log } from '../../src/log/index.js';
import { BrokerProcess } from './broker/broker-process.js';
import { fsyncFloor } from './broker/fsync-floor.js';
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
  /** CPU time of the broker process (of this process for the embedded log) per record. */
  cpuMicrosPerRecord: number;
}

function numberFlag(args: string[], name: string, fallback: number): number {
  const value = flag(args, name);
  return value === undefined ? fallback : Number(value);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function embeddedCeiling(
  dir: string,
  records: number,
  valueSize: number,
): Promise<{ ms: number; cpuMicros: number }> {
  const log = await Log.open({ dir, logger: pino({ level: 'silent' }) });
  await log.createTopic('ceiling', { partitions: 1 });
  const value = Buffer.alloc(valueSize, 'x');
  const batch = encodeRecordBatch(Array.from({ length: 1000 }, () => ({ value })));
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < records; i += 1000)
    await log.appendBatches('ceiling', 0, Buffer.from(batch), { acks: 1 });
  const ms = performance.now() - start;
  const { user, system } = process.cpuUsage(cpu);
  await log.close();
  return { ms, cpuMicros: user + system };
}

export async function run(args: string[]): Promise<void> {
  const records = numberFlag(args, 'records', 1_000_000);
  const jsRecords = numberFlag(args, 'kafkajs-records', 200_000);
  const latencySeconds = numberFlag(args, 'latency-seconds', 5);
  const valueSize = 100;
  const root = await mkdtemp(join(tmpdir(), 'sluice-bench-broker-'));
  const rows: Row[] = [];
  const latency: Latency[] = [];
  const broker = await BrokerProcess.start(join(root, 'data'), ['kcat', 'kafkajs', 'latency']);
  /** Runs one case against the broker and notes its wall time and the broker's CPU time per record. */
  const measure = async (c: string, subject: string, records: number, work: () => Promise<number>) => {
    const cpuBefore = await broker.cpuMicros();
    const ms = await work();
    const cpuMicrosPerRecord = ((await broker.cpuMicros()) - cpuBefore) / records;
    rows.push({ case: c, subject, records, ms, cpuMicrosPerRecord });
  };
  const onePerMs = `${valueSize} B, acks=all, 10 records every ms`;
  try {
    const lines = join(root, 'lines.txt');
    await writeLines(lines, records, valueSize);
    await measure(`produce ${valueSize} B, acks=all`, 'kcat -P', records, () =>
      kcatProduce(broker.bootstrap, 'kcat', lines),
    );
    await measure(`consume ${valueSize} B`, 'kcat -C', records, () => kcatConsume(broker.bootstrap, 'kcat'));
    await measure(`produce ${valueSize} B, acks=1`, 'kafkajs', jsRecords, () =>
      kafkajsProduce(broker.bootstrap, 'kafkajs', jsRecords, valueSize, 1),
    );
    await measure(`produce ${valueSize} B, acks=all`, 'kafkajs', jsRecords, () =>
      kafkajsProduce(broker.bootstrap, 'kafkajs', jsRecords, valueSize, -1),
    );
    await measure(`consume ${valueSize} B`, 'kafkajs', 2 * jsRecords, () =>
      kafkajsConsume(broker.bootstrap, 'kafkajs', 2 * jsRecords),
    );
    let samples: number[] = [];
    await measure(onePerMs, 'bare protocol client', latencySeconds * 10_000, async () => {
      const start = performance.now();
      samples = await wireLatency(broker.port, 'latency', 10, latencySeconds, valueSize);
      return performance.now() - start;
    });
    latency.push(summarize('bare protocol client', samples));
    await measure(onePerMs, 'kafkajs', latencySeconds * 10_000, async () => {
      const start = performance.now();
      samples = await kafkajsLatency(broker.bootstrap, 'latency', 10, latencySeconds, valueSize);
      return performance.now() - start;
    });
    latency.push(summarize('kafkajs', samples));
  } finally {
    await broker.close();
  }
  const ceiling = await embeddedCeiling(join(root, 'ceiling'), records, valueSize);
  rows.push({
    case: `append ${valueSize} B, acks=1`,
    subject: 'embedded log (ceiling)',
    records,
    ms: ceiling.ms,
    cpuMicrosPerRecord: ceiling.cpuMicros / records,
  });
  const oneRequest = encodeRecordBatch(
    Array.from({ length: 10 }, () => ({ value: Buffer.alloc(valueSize) })),
  );
  latency.push(
    summarize(
      'append + fdatasync (floor)',
      await fsyncFloor(join(root, 'floor.dat'), oneRequest.length, latencySeconds),
    ),
  );
  await rm(root, { recursive: true, force: true });

  if (wantsJson(args)) {
    process.stdout.write(`${JSON.stringify({ rows, latency }, null, 2)}\n`);
    return;
  }
  const ceilingRate = records / (ceiling.ms / 1000);
  const table = rows.map((r) => [
    r.case,
    r.subject,
    human(r.records),
    `${(r.ms / 1000).toFixed(2)} s`,
    `${human(r.records / (r.ms / 1000))}/s`,
    `${(r.records / (r.ms / 1000) / ceilingRate).toFixed(2)}`,
    `${r.cpuMicrosPerRecord.toFixed(2)} µs`,
  ]);
  const headers = ['case', 'subject', 'records', 'time', 'rate', '× ceiling', 'CPU/record'];
  process.stdout.write(`${formatTable(headers, table)}\n`);
  process.stdout.write(
    '(CPU/record: the broker process; for the ceiling, the embedded log in this process)\n',
  );
  process.stdout.write('\nproduce latency, acks=all, 10,000 records/s (a request of 10 records every ms):\n');
  for (const l of latency) {
    process.stdout.write(
      `  ${l.client.padEnd(26)} ${l.sends} requests: p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms, ` +
        `max ${l.max.toFixed(2)} ms\n`,
    );
  }
  process.stdout.write(
    `(load average ${(await import('node:os')).loadavg()[0].toFixed(1)} on this machine)\n`,
  );
}
