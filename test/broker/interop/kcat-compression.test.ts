import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedClient } from '../../../src/client/embedded/index.js';
import { COMPRESSION_TYPES, type CompressionType } from '../../../src/log/index.js';
import { runCli } from '../../cli/run-cli.js';
import { type InteropBroker, startInteropBroker } from './interop-broker.js';
import { run } from './run-process.js';

// Debian's kcat 1.7.1 on librdkafka 2.0.2, built with gzip, snappy, lz4 and zstd. librdkafka compresses only when
// the broker lists Produce v0 (KAFKA-18659); otherwise it logs "Broker does not support compression type" and sends
// the batch uncompressed, which the codec check on the stored batches below would catch.
const KCAT = '/usr/bin/kcat';
const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const;

let broker: InteropBroker;
const run_id = randomUUID().slice(0, 8);
const fromKcat = (codec: string) => `kcat-z-${codec}-${run_id}`;
const fromSluice = (codec: string) => `sluice-z-${codec}-${run_id}`;
/** Lines that compress well, and enough of them for several snappy blocks and lz4 blocks in one batch. */
const lines = Array.from(
  { length: 400 },
  (_, i) => `line ${i}: ${'of a compressible record, '.repeat(i % 9)}end`,
);

beforeAll(async () => {
  broker = await startInteropBroker();
});

afterAll(async () => {
  await broker?.stop();
});

function kcat(args: string[], input?: string) {
  return run(KCAT, ['-b', broker.bootstrap, ...args], { input, timeoutMs: 60_000 });
}

/** The codec ids of the batches stored in partition 0 of `topic`. */
async function storedCodecs(topic: string): Promise<number[]> {
  const read = await broker.log.read(topic, 0, 0, { maxBytes: 64 << 20 });
  const codecs: number[] = [];
  for (let at = 0; at < read.records.length; at += 12 + read.records.readInt32BE(at + 8)) {
    codecs.push(read.records.readInt16BE(at + 21) & 0x07);
  }
  return codecs;
}

describe('broker › interop › kcat compression', { timeout: 120_000 }, () => {
  it.each(CODECS)('kcat -z %s produces compressed batches that are stored and read back', async (codec) => {
    const topic = fromKcat(codec);
    await broker.log.createTopic(topic, { partitions: 1 });
    const produced = await kcat(
      ['-P', '-t', topic, '-p', '0', '-z', codec, '-X', 'linger.ms=50', '-K', '|'],
      `${lines.map((l, i) => `k${i}|${l}`).join('\n')}\n`,
    );
    expect(produced.stderr).not.toContain('does not support compression');
    expect(produced.code).toBe(0);
    const codecs = await storedCodecs(topic);
    expect(codecs.length).toBeGreaterThan(0);
    expect(new Set(codecs)).toEqual(new Set([COMPRESSION_TYPES.indexOf(codec)]));
    const embedded = await broker.log.readRecords(topic, 0, 0, { maxBytes: 64 << 20 });
    expect(embedded.records.map((r) => `${r.key}|${r.value}`)).toEqual(lines.map((l, i) => `k${i}|${l}`));
    const consumed = await kcat(['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-f', '%o|%k|%s\n']);
    expect(consumed.code).toBe(0);
    expect(consumed.stdout.trim().split('\n')).toEqual(lines.map((l, i) => `${i}|k${i}|${l}`));
  });

  it.each(CODECS)('kcat reads the %s batches the embedded producer writes', async (codec) => {
    const topic = fromSluice(codec);
    const client = embeddedClient(broker.log);
    const producer = client.producer({ 'compression.type': codec as CompressionType, 'linger.ms': 20 });
    await producer.send(
      topic,
      lines.map((value, i) => ({ key: `k${i}`, value, partition: 0 })),
    );
    await producer.close();
    await client.close();
    expect(new Set(await storedCodecs(topic))).toEqual(new Set([COMPRESSION_TYPES.indexOf(codec)]));
    const consumed = await kcat(['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-f', '%o|%k|%s\n']);
    expect(consumed.code).toBe(0);
    expect(consumed.stdout.trim().split('\n')).toEqual(lines.map((l, i) => `${i}|k${i}|${l}`));
  });

  it('sluice consume reads every compressed topic from the log directory, which verifies undamaged', async () => {
    await broker.verify(); // closes the broker and its log, then checks every segment
    for (const topic of CODECS.flatMap((codec) => [fromKcat(codec), fromSluice(codec)])) {
      const out = await runCli(
        'consume',
        topic,
        '--from-beginning',
        '--no-follow',
        '-f',
        '%o|%k|%s\\n',
        '--log-dir',
        broker.dir,
      );
      expect(out.exitCode, out.stderr).toBe(0);
      expect(out.stdout.trim().split('\n')).toEqual(lines.map((l, i) => `${i}|k${i}|${l}`));
    }
    await rm(broker.dir, { recursive: true, force: true });
  });
});
