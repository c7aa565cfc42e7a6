import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, runBroker } from '../../../src/broker/index.js';
import { connect } from '../../../src/client/connect.js';
import { kafkaSecurity, pickKafkaSecurity } from '../../../src/client/options.js';
import { parseWorkerConfig } from '../../../src/connect/runtime/index.js';
import { logSchema } from '../../../src/pipeline/schema.js';
import { makeCerts, type TestCerts } from '../../broker/security/certs.js';

const PASSWORD = 'carol-Pa55-word';
let dir: string;
let certs: TestCerts;
let broker: RunningBroker;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-kafka-security-'));
  certs = makeCerts();
  await writeFile(join(dir, 'users.json'), JSON.stringify({ users: { carol: { password: PASSWORD } } }));
  broker = await runBroker({
    logDir: join(dir, 'log'),
    config: {
      listen: '127.0.0.1:0',
      saslUsers: join(dir, 'users.json'),
      tlsCert: certs.cert,
      tlsKey: certs.key,
    },
    logger: pino({ level: process.env.SLUICE_TEST_LOG ?? 'silent' }),
  });
}, 60_000);

afterAll(async () => {
  await broker?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  if (certs) await rm(certs.dir, { recursive: true, force: true });
});

async function roundTrip(security: Record<string, string>): Promise<string[]> {
  const topic = `sec-${randomUUID().slice(0, 8)}`;
  const client = await connect({ log: { brokers: [broker.bootstrap], ...security } });
  try {
    const producer = client.producer();
    await producer.send(topic, [{ key: 'k', value: 'secured' }]);
    await producer.close();
    const consumer = client.consumer({ 'auto.offset.reset': 'earliest' });
    await consumer.assign([{ topic, partition: 0 }]);
    const got: string[] = [];
    for await (const batch of consumer) {
      for (const r of batch.records) got.push(`${r.key}|${r.value}`);
      if (got.length >= 1) void consumer.stop();
    }
    await consumer.close();
    return got;
  } finally {
    await client.close();
  }
}

describe('client › kafka › security', { timeout: 60_000 }, () => {
  it('produces and consumes over SASL_SSL with sasl.username/sasl.password and SCRAM-SHA-256', async () => {
    const got = await roundTrip({
      'security.protocol': 'SASL_SSL',
      'ssl.ca.location': certs.ca,
      'sasl.mechanism': 'SCRAM-SHA-256',
      'sasl.username': 'carol',
      'sasl.password': PASSWORD,
    });
    expect(got).toEqual(['k|secured']);
  });

  it('takes the credentials from a PlainLoginModule sasl.jaas.config', async () => {
    const got = await roundTrip({
      'security.protocol': 'SASL_SSL',
      'ssl.ca.location': certs.ca,
      'sasl.mechanism': 'PLAIN',
      'sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username="carol" password="${PASSWORD}";`,
    });
    expect(got).toEqual(['k|secured']);
  });

  it('resolves the protocol and ScramLoginModule credentials, and names bad keys without their values', () => {
    expect(
      kafkaSecurity({
        'sasl.mechanism': 'SCRAM-SHA-512',
        'sasl.jaas.config':
          'org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p\\"q";',
      }),
    ).toEqual({
      protocol: 'SASL_PLAINTEXT',
      ssl: null,
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p"q' },
    });
    expect(kafkaSecurity({ 'ssl.ca.location': '/ca.pem' })).toEqual({
      protocol: 'SSL',
      ssl: { ca: '/ca.pem' },
      sasl: null,
    });
    const refusals: [Record<string, string>, RegExp][] = [
      [{ 'security.protocol': 'SASL_SSL', 'sasl.username': 'u' }, /needs sasl.username and sasl.password/],
      [{ 'security.protocol': 'PLAINTEXT', 'sasl.password': PASSWORD }, /sasl.\* keys need/],
      [
        {
          'sasl.mechanism': 'PLAIN',
          'sasl.jaas.config': `ScramLoginModule required username="u" password="${PASSWORD}";`,
        },
        /needs PlainLoginModule/,
      ],
      [{ 'sasl.jaas.config': `garbage ${PASSWORD}` }, /sasl.jaas.config must be/],
      [{ 'security.protocol': 'TLS' }, /security.protocol/],
    ];
    for (const [input, message] of refusals) {
      let error: Error | undefined;
      try {
        kafkaSecurity(input as never);
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).toMatch(message);
      expect(error?.message).not.toContain(PASSWORD);
    }
  });

  it("a wrong password fails the client's first request without echoing it", async () => {
    const error = await roundTrip({
      'security.protocol': 'SASL_SSL',
      'ssl.ca.location': certs.ca,
      'sasl.username': 'carol',
      'sasl.password': 'wrong-Pa55',
    }).then(
      () => new Error('succeeded'),
      (e: Error) => e,
    );
    expect(`${error.message} ${String((error as { cause?: unknown }).cause)}`).toMatch(
      /SASL|[Aa]uthentication/,
    );
    expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain('wrong-Pa55');
  });

  it("a pipeline's log section takes the keys with brokers, and refuses them with dir", () => {
    expect(
      logSchema.safeParse({ brokers: ['h:9093'], 'security.protocol': 'SASL_SSL', 'sasl.username': 'u' })
        .success,
    ).toBe(true);
    const withDir = logSchema.safeParse({ dir: './data', 'sasl.username': 'u' });
    expect(withDir.success).toBe(false);
    expect(withDir.error?.issues[0]?.message).toMatch(/are for log.brokers/);
  });

  it('a connect worker file takes the keys next to bootstrap.servers, without warnings', () => {
    const keys = {
      'security.protocol': 'SASL_SSL',
      'ssl.ca.location': '/ca.pem',
      'sasl.mechanism': 'SCRAM-SHA-256',
      'sasl.username': 'u',
      'sasl.password': PASSWORD,
    };
    const worker = parseWorkerConfig({ 'bootstrap.servers': 'h:9093', ...keys });
    expect(worker.warnings).toEqual([]);
    expect(pickKafkaSecurity(worker)).toEqual(keys);
  });
});
