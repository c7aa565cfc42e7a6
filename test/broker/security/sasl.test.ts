import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, runBroker } from '../../../src/broker/index.js';
import { scramCredential } from '../../../src/broker/security/scram.js';
import { WireClient } from '../helpers/wire-client.js';
import { run } from '../interop/run-process.js';
import { makeCerts, type TestCerts } from './certs.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const KCAT = '/usr/bin/kcat';
const ALICE = 'alice-Pa55-word';
const BOB = 'bob-only-salted-keys';
const WRONG = 'not-the-Pa55-word';

let dir: string;
let certs: TestCerts;
let broker: RunningBroker;
let secure: RunningBroker;
/** Every line either broker logged, at debug level. */
const logged: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-sasl-'));
  certs = makeCerts();
  const salted = await scramCredential('SCRAM-SHA-512', BOB);
  const b64 = (b: Buffer) => b.toString('base64');
  const users = {
    users: {
      alice: { password: ALICE },
      bob: {
        'SCRAM-SHA-512': {
          salt: b64(salted.salt),
          iterations: salted.iterations,
          storedKey: b64(salted.storedKey),
          serverKey: b64(salted.serverKey),
        },
      },
    },
  };
  await writeFile(join(dir, 'users.json'), JSON.stringify(users));
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logged.push(line) });
  const saslUsers = join(dir, 'users.json');
  broker = await runBroker({
    logDir: join(dir, 'plain'),
    config: { listen: '127.0.0.1:0', saslUsers },
    logger,
  });
  secure = await runBroker({
    logDir: join(dir, 'tls'),
    config: { listen: '127.0.0.1:0', saslUsers, tlsCert: certs.cert, tlsKey: certs.key },
    logger,
  });
}, 60_000);

afterAll(async () => {
  await broker?.close();
  await secure?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  if (certs) await rm(certs.dir, { recursive: true, force: true });
});

function kcat(mechanism: string, username: string, password: string, args: string[], input?: string) {
  return run(
    KCAT,
    [
      '-b',
      broker.bootstrap,
      '-X',
      'security.protocol=sasl_plaintext',
      '-X',
      `sasl.mechanism=${mechanism}`,
      '-X',
      `sasl.username=${username}`,
      '-X',
      `sasl.password=${password}`,
      ...args,
    ],
    { input, timeoutMs: 30_000 },
  );
}

function kafkajs(b: RunningBroker, sasl: SASLOptions, ssl?: { ca: string[] }) {
  return new Kafka({
    brokers: [b.bootstrap],
    sasl,
    ...(ssl ? { ssl } : {}),
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
}

const noSecrets = (text: string) => {
  for (const secret of [ALICE, BOB, WRONG]) expect(text).not.toContain(secret);
};

describe('broker › security › SASL', () => {
  it('kcat produces and consumes as a user of each mechanism', { timeout: 90_000 }, async () => {
    expect(broker.server.protocol).toBe('SASL_PLAINTEXT');
    const topic = `sasl-${randomUUID().slice(0, 8)}`;
    const logins: [string, string, string][] = [
      ['PLAIN', 'alice', ALICE],
      ['SCRAM-SHA-256', 'alice', ALICE],
      ['SCRAM-SHA-512', 'alice', ALICE],
      ['SCRAM-SHA-512', 'bob', BOB],
      ['PLAIN', 'bob', BOB],
    ];
    for (const [mechanism, user, password] of logins) {
      const produced = await kcat(mechanism, user, password, ['-P', '-t', topic], `${mechanism} ${user}\n`);
      expect(produced.code, produced.stderr).toBe(0);
    }
    const read = await kcat('SCRAM-SHA-256', 'alice', ALICE, ['-C', '-t', topic, '-o', 'beginning', '-e']);
    expect(read.stdout.trim().split('\n')).toEqual(logins.map(([m, u]) => `${m} ${u}`));
  });

  it('kcat with a wrong password or an unknown user is refused', { timeout: 90_000 }, async () => {
    const attempts = [
      ['PLAIN', 'alice'],
      ['SCRAM-SHA-256', 'alice'],
      ['SCRAM-SHA-512', 'nobody'],
    ] as const;
    const results = await Promise.all(attempts.map(([m, user]) => kcat(m, user, WRONG, ['-L', '-m', '3'])));
    for (const refused of results) {
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/[Aa]uthentication failed/);
      noSecrets(refused.stderr);
    }
  });

  it('kafkajs authenticates with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512, and gets SASL_AUTHENTICATION_FAILED without the password', {
    timeout: 60_000,
  }, async () => {
    const topic = `sasl-${randomUUID().slice(0, 8)}`;
    for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
      const producer = kafkajs(broker, {
        mechanism,
        username: 'alice',
        password: ALICE,
      } as SASLOptions).producer();
      await producer.connect();
      await producer.send({ topic, messages: [{ value: mechanism }] });
      await producer.disconnect();
    }
    expect(broker.log.offsets(topic, 0).highWatermark).toBe(3);
    for (const mechanism of ['plain', 'scram-sha-256'] as const) {
      const producer = kafkajs(broker, {
        mechanism,
        username: 'alice',
        password: WRONG,
      } as SASLOptions).producer();
      const error: Error = await producer.connect().then(
        () => new Error('connected'),
        (e: Error) => e,
      );
      expect(error.name).toBe('KafkaJSSASLAuthenticationError');
      expect(error.message).toMatch(/SASL_AUTHENTICATION_FAILED|Authentication failed/);
      noSecrets(error.message);
    }
  });

  it('SASL over TLS: kafkajs with SCRAM-SHA-512 on a SASL_SSL listener', { timeout: 60_000 }, async () => {
    expect(secure.server.protocol).toBe('SASL_SSL');
    const { readFileSync } = await import('node:fs');
    const topic = `sasl-${randomUUID().slice(0, 8)}`;
    const kafka = kafkajs(
      secure,
      { mechanism: 'scram-sha-512', username: 'bob', password: BOB },
      {
        ca: [readFileSync(certs.ca, 'utf8')],
      },
    );
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'secret channel' }] });
    await producer.disconnect();
    expect(secure.log.offsets(topic, 0).highWatermark).toBe(1);
  });

  it('closes a connection that sends any other request before authenticating', async () => {
    const client = await WireClient.connect(Number(broker.bootstrap.split(':')[1]));
    const versions = await client.request<{ apiKeys: { apiKey: number }[] }>(18, 0, {});
    expect(versions.apiKeys.map((k) => k.apiKey)).toEqual(expect.arrayContaining([17, 36]));
    const metadata = client.request(3, 1, { topics: [{ name: 'never-created' }] });
    metadata.catch(() => {});
    // The broker closes the connection without answering.
    const first = await Promise.race([client.closed.then(() => 'closed'), metadata.then(() => 'answered')]);
    expect(first).toBe('closed');
    expect(broker.log.listTopics()).not.toContain('never-created');
  });

  it('after SaslHandshake v0 takes a bare PLAIN token, then serves requests', async () => {
    const client = await WireClient.connect(Number(broker.bootstrap.split(':')[1]));
    const handshake = await client.request<{ errorCode: number }>(17, 0, { mechanism: 'PLAIN' });
    expect(handshake.errorCode).toBe(0);
    const token = Buffer.from(`\u0000alice\u0000${ALICE}`);
    const size = Buffer.alloc(4);
    size.writeInt32BE(token.length);
    const answer = client.nextFrame();
    client.sendRaw(Buffer.concat([size, token]));
    expect((await answer).length).toBe(0);
    const metadata = await client.request<{ brokers: unknown[] }>(3, 1, { topics: [] });
    expect(metadata.brokers).toHaveLength(1);
    client.close();

    const refused = await WireClient.connect(Number(broker.bootstrap.split(':')[1]));
    await refused.request(17, 0, { mechanism: 'PLAIN' });
    const wrong = Buffer.from(`\u0000alice\u0000${WRONG}`);
    size.writeInt32BE(wrong.length);
    refused.sendRaw(Buffer.concat([size, wrong]));
    await refused.closed;
  });

  it('refuses an unknown mechanism with UNSUPPORTED_SASL_MECHANISM and the enabled list', async () => {
    const client = await WireClient.connect(Number(broker.bootstrap.split(':')[1]));
    const res = await client.request<{ errorCode: number; mechanisms: string[] }>(17, 1, {
      mechanism: 'GSSAPI',
    });
    expect(res).toEqual({ errorCode: 33, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] });
    await client.closed;
  });

  it('a bad users file is refused naming the file and the field, not the secret', async () => {
    const file = join(dir, 'bad-users.json');
    await writeFile(
      file,
      JSON.stringify({ users: { eve: { password: ALICE, 'SCRAM-SHA-256': { salt: 'x', iterations: 10 } } } }),
    );
    const error: Error = await runBroker({ logDir: join(dir, 'bad'), config: { saslUsers: file } }).then(
      () => new Error('started'),
      (e: Error) => e,
    );
    expect(error.message).toMatch(/saslUsers file ".*bad-users.json": users\.eve\.SCRAM-SHA-256\./);
    noSecrets(error.message);
  });

  it('the brokers logged no password', () => {
    expect(logged.length).toBeGreaterThan(0);
    noSecrets(logged.join('\n'));
  });
});
