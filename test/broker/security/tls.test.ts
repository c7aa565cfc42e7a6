import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryLog } from '../helpers/memory-log.js';
import { startBroker } from '../helpers/start-broker.js';
import { type InteropBroker, startInteropBroker } from '../interop/interop-broker.js';
import { run } from '../interop/run-process.js';
import { makeCerts, type TestCerts } from './certs.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const KCAT = '/usr/bin/kcat';

let certs: TestCerts;
let broker: InteropBroker;
let mutual: InteropBroker;

beforeAll(async () => {
  certs = makeCerts();
  broker = await startInteropBroker({ tlsCert: certs.cert, tlsKey: certs.key });
  mutual = await startInteropBroker({ tlsCert: certs.cert, tlsKey: certs.key, tlsCa: certs.ca });
}, 60_000);

afterAll(async () => {
  await broker?.stop();
  await mutual?.stop();
  if (certs) rmSync(certs.dir, { recursive: true, force: true });
});

const kcat = (b: InteropBroker, args: string[], input?: string) =>
  run(
    KCAT,
    ['-b', b.bootstrap, '-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${certs.ca}`, ...args],
    { input, timeoutMs: 30_000 },
  );

describe('broker › security › TLS', () => {
  it('kcat produces and consumes over TLS, checking the broker certificate against the CA', {
    timeout: 60_000,
  }, async () => {
    expect(broker.server.protocol).toBe('SSL');
    const topic = `tls-${randomUUID().slice(0, 8)}`;
    const produced = await kcat(broker, ['-P', '-t', topic, '-K', ':'], 'k1:one\nk2:two\n');
    expect(produced.code).toBe(0);
    const read = await kcat(broker, ['-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%k=%s\n']);
    expect(read.stdout.trim().split('\n')).toEqual(['k1=one', 'k2=two']);
  });

  it('kafkajs produces and consumes over TLS', { timeout: 60_000 }, async () => {
    const topic = `tls-${randomUUID().slice(0, 8)}`;
    const kafka = new Kafka({
      brokers: [broker.bootstrap],
      ssl: { ca: [readFileSync(certs.ca, 'utf8')] },
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'a', value: 'over tls' }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: `g-${topic}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const got = await new Promise<string>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) });
    });
    await consumer.disconnect();
    expect(got).toBe('over tls');
  });

  it('a plaintext client on the TLS port gets no answer, and the broker keeps serving', {
    timeout: 60_000,
  }, async () => {
    const plain = await run(KCAT, ['-b', broker.bootstrap, '-L', '-m', '3'], { timeoutMs: 30_000 });
    expect(plain.code).not.toBe(0);
    const listed = await kcat(broker, ['-L', '-J']);
    expect(JSON.parse(listed.stdout).brokers).toEqual([{ id: 0, name: broker.bootstrap }]);
  });

  it('with --tls-ca, a client needs a certificate signed by that CA', { timeout: 60_000 }, async () => {
    expect((await kcat(mutual, ['-L', '-m', '3'])).code).not.toBe(0);
    const withCert = await kcat(mutual, [
      '-X',
      `ssl.certificate.location=${certs.clientCert}`,
      '-X',
      `ssl.key.location=${certs.clientKey}`,
      '-L',
      '-J',
    ]);
    expect(withCert.code).toBe(0);
    expect(JSON.parse(withCert.stdout).brokers).toEqual([{ id: 0, name: mutual.bootstrap }]);
  });

  it('refuses a certificate without its key, and names a file it cannot read', async () => {
    await expect(startBroker(new MemoryLog(), { tlsCert: certs.cert })).rejects.toThrow(
      /tlsKey \(--tls-key\) is missing/,
    );
    await expect(
      startBroker(new MemoryLog(), { tlsCert: certs.cert, tlsKey: `${certs.dir}/missing.key` }),
    ).rejects.toThrow(/cannot read tlsKey \(--tls-key\) file ".*missing.key": ENOENT/);
  });
});
