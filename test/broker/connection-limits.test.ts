import { connect, type Socket } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerServer } from '../../src/broker/index.js';
import { MemoryLog } from './helpers/memory-log.js';
import { startBroker } from './helpers/start-broker.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
let broker: BrokerServer | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await broker?.close();
  broker = undefined;
});

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', () => {});
    s.once('error', reject);
    sockets.push(s);
  });
}

const closed = (s: Socket) =>
  new Promise<void>((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve())));
const isOpenAfter = async (s: Socket, ms: number) => {
  await new Promise((r) => setTimeout(r, ms));
  return !s.destroyed;
};

async function served(b: BrokerServer): Promise<void> {
  const kafka = new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'served', messages: [{ value: 'hello' }] });
  await producer.disconnect();
}

describe('broker › connection limits', () => {
  it('bounds unfinished request frames by queued.max.request.bytes over all connections', {
    timeout: 60_000,
  }, async () => {
    const MiB = 1024 * 1024;
    broker = await startBroker(new MemoryLog(), {
      'socket.request.max.bytes': 32 * MiB,
      'queued.max.request.bytes': 32 * MiB,
    });
    const port = broker.address.port;
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const body = Buffer.alloc(24 * MiB, 7);
    const size = Buffer.alloc(4);
    size.writeInt32BE(32 * MiB);
    const slow = await Promise.all(Array.from({ length: 8 }, () => open(port)));
    // Each announces a 32 MiB request and sends 24 MiB of it, never the rest: 192 MiB if all were buffered.
    await Promise.all(
      slow.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.write(size);
            s.write(body);
            setTimeout(resolve, 1500);
          }),
      ),
    );
    expect(broker.queuedRequestBytes).toBeLessThanOrEqual(32 * MiB);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(120 * MiB);
    for (const s of slow) s.destroy();
    await Promise.all(slow.map(closed));
    await expect.poll(() => broker!.queuedRequestBytes, { timeout: 10_000 }).toBe(0);
    await served(broker);
  });

  it('closes connections beyond max.connections at once', async () => {
    broker = await startBroker(new MemoryLog(), { 'max.connections': 2 });
    const port = broker.address.port;
    const kept = await Promise.all([open(port), open(port)]);
    const third = await open(port);
    await closed(third);
    for (const s of kept) expect(await isOpenAfter(s, 50)).toBe(true);
  });

  it('closes connections beyond max.connections.per.ip at once', async () => {
    broker = await startBroker(new MemoryLog(), { 'max.connections.per.ip': 3 });
    const port = broker.address.port;
    const first = await Promise.all([open(port), open(port), open(port)]);
    const fourth = await open(port);
    await closed(fourth);
    for (const s of first) expect(await isOpenAfter(s, 50)).toBe(true);
    for (const s of first) s.destroy();
    await expect.poll(() => broker!.connectionCount).toBe(0);
    await served(broker);
  });

  it('closes a connection idle for connections.max.idle.ms', async () => {
    broker = await startBroker(new MemoryLog(), { 'connections.max.idle.ms': 200 });
    const idle = await open(broker.address.port);
    await closed(idle);
    expect(idle.destroyed).toBe(true);
    await expect.poll(() => broker!.connectionCount).toBe(0);
  });
});
