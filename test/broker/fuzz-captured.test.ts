import fs from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { crc32c } from '@node-rs/crc32';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, runBroker } from '../../src/broker/index.js';
import { verifyLogDir } from '../../src/log/index.js';
import { run } from './interop/run-process.js';

/**
 * Fuzzing seeded by what real clients send: kcat (librdkafka) and kafka-python talk to the broker through a proxy
 * that records each request frame; the frames are then mutated and replayed. Produce frames also get mutations
 * inside their record batch with the CRC recomputed, so the batch passes the CRC check and must be refused by
 * the batch validation. Afterwards: nothing invalid was stored, descriptors and RSS stayed bounded, and a
 * well-formed client is still served.
 */
const FRAMES = 2000;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const KCAT = '/usr/bin/kcat';
const PYTHON = '/usr/bin/python3';

let dir: string;
let broker: RunningBroker;
let proxy: Server;
let proxyPort: number;
const captured: Buffer[] = [];

function prng(seed: number) {
  let x = seed || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

/** Forwards to the broker, keeping every whole request frame a client sends. */
function startProxy(target: () => number): Promise<Server> {
  const server = createServer((client) => {
    const upstream = connect(target(), '127.0.0.1');
    let buffered = Buffer.alloc(0);
    client.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
        const size = 4 + buffered.readInt32BE(0);
        captured.push(Buffer.from(buffered.subarray(0, size)));
        buffered = buffered.subarray(size);
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream] as Socket[]) {
      s.on('error', end);
      s.on('close', end);
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Where the record batch of a Produce frame starts: magic 2, a length that fits and a CRC that matches. */
function findBatch(frame: Buffer): { at: number; size: number } | null {
  for (let at = 8; at + 61 <= frame.length; at++) {
    if (frame[at + 16] !== 2) continue;
    const size = 12 + frame.readInt32BE(at + 8);
    if (size < 61 || at + size > frame.length) continue;
    if (crc32c(frame.subarray(at + 21, at + size)) >>> 0 === frame.readUInt32BE(at + 17)) return { at, size };
  }
  return null;
}

function mutate(rng: ReturnType<typeof prng>, seed: Buffer): Buffer {
  const out = Buffer.from(seed);
  const batch = out.readInt16BE(4) === 0 ? findBatch(out) : null;
  if (batch && rng.int(2) === 0) {
    // Inside the batch (header fields after the CRC, or records), then a valid CRC again.
    const from = batch.at + 21;
    for (let i = 0, n = 1 + rng.int(4); i < n; i++) out[from + rng.int(batch.size - 21)] ^= 1 << rng.int(8);
    if (rng.int(4) === 0) out.writeInt32BE(rng.int(2 ** 31), batch.at + 23); // lastOffsetDelta
    out.writeUInt32BE(crc32c(out.subarray(from, batch.at + batch.size)) >>> 0, batch.at + 17);
    return out;
  }
  switch (rng.int(4)) {
    case 0:
      for (let i = 0, n = 1 + rng.int(8); i < n; i++) out[4 + rng.int(out.length - 4)] ^= 1 << rng.int(8);
      return out;
    case 1: {
      const cut = out.subarray(0, 4 + rng.int(out.length - 4));
      if (rng.int(2) === 0) cut.writeInt32BE(cut.length - 4, 0);
      return cut;
    }
    case 2:
      out.writeInt16BE(rng.int(65536) - 32768, 4 + rng.int(Math.max(1, out.length - 6)));
      return out;
    default:
      return Buffer.concat([out, Buffer.from([rng.int(256), rng.int(256), rng.int(256)])]);
  }
}

function blast(port: number, frames: Buffer[]): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      for (const f of frames) socket.write(f);
      setTimeout(() => socket.destroy(), 20);
    });
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => resolve());
  });
}

const openDescriptors = () => fs.readdirSync('/proc/self/fd').length;
const kcat = (args: string[], input?: string) =>
  run(KCAT, ['-b', `127.0.0.1:${proxyPort}`, ...args], { input, timeoutMs: 30_000 });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-fuzz-captured-'));
  let brokerPort = 0;
  proxy = await startProxy(() => brokerPort);
  proxyPort = (proxy.address() as { port: number }).port;
  broker = await runBroker({
    logDir: dir,
    config: { listen: '127.0.0.1:0', advertisedListener: `127.0.0.1:${proxyPort}` },
    logger: pino({ level: 'silent' }),
  });
  brokerPort = broker.server.address.port;
  await broker.log.createTopic('seeded', { partitions: 1 });
  // The corpus: what kcat and kafka-python send to produce and consume.
  expect((await kcat(['-P', '-t', 'seeded', '-p', '0', '-K', ':'], 'k1:one\nk2:two\n')).code).toBe(0);
  expect((await kcat(['-C', '-t', 'seeded', '-p', '0', '-o', 'beginning', '-e'])).code).toBe(0);
  const py = await run(
    PYTHON,
    [
      '-c',
      `
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
p = KafkaProducer(bootstrap_servers='127.0.0.1:${proxyPort}', acks='all')
p.send('seeded', key=b'k3', value=b'three').get(timeout=10); p.close()
c = KafkaConsumer(bootstrap_servers='127.0.0.1:${proxyPort}', consumer_timeout_ms=2000, auto_offset_reset='earliest')
c.assign([TopicPartition('seeded', 0)]); [m for m in c]; c.close()
`,
    ],
    { timeoutMs: 30_000 },
  );
  expect(py.stderr).not.toMatch(/Traceback/);
  expect(py.code).toBe(0);
}, 120_000);

afterAll(async () => {
  await broker?.close();
  await new Promise((resolve) => proxy?.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('broker › fuzz from captured kcat and kafka-python frames', () => {
  it(`stores nothing invalid and stays bounded over ${FRAMES} mutated frames (seed ${SEED})`, {
    timeout: 300_000,
  }, async () => {
    const produces = captured.filter((f) => f.readInt16BE(4) === 0 && findBatch(f));
    expect(produces.length).toBeGreaterThanOrEqual(2);
    expect(new Set(captured.map((f) => f.readInt16BE(4))).size).toBeGreaterThanOrEqual(4);
    const before = broker.log.readRecords('seeded', 0, 0);
    const fdsBefore = openDescriptors();
    const rssBefore = process.memoryUsage().rss;
    const rng = prng(SEED);
    for (let sent = 0; sent < FRAMES; ) {
      const n = 1 + rng.int(5);
      await blast(
        brokerPort(),
        Array.from({ length: n }, () => mutate(rng, captured[rng.int(captured.length)]!)),
      );
      sent += n;
    }
    expect(openDescriptors() - fdsBefore).toBeLessThan(64);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(300 * 1024 * 1024);
    // The seeded records are as they were, whatever else the fuzz appended.
    const after = await broker.log.readRecords('seeded', 0, 0);
    expect(after.records.slice(0, 3).map((r) => r.value!.toString())).toEqual(
      (await before).records.map((r) => r.value!.toString()),
    );
    // A well-formed client is still served.
    expect((await kcat(['-P', '-t', 'seeded', '-p', '0'], 'after\n')).code).toBe(0);
    const consumed = await kcat(['-C', '-t', 'seeded', '-p', '0', '-o', '-1', '-e']);
    expect(consumed.stdout.trim()).toBe('after');
    // And every batch on disk is sound: nothing the validation should refuse was stored.
    await broker.close();
    const report = await verifyLogDir(dir);
    expect(report.damage).toEqual([]);
  });
});

function brokerPort(): number {
  return broker.server.address.port;
}
