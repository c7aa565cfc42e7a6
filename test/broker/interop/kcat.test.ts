import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InteropBroker, startInteropBroker } from './interop-broker.js';
import { run } from './run-process.js';

// Debian's kcat 1.7.1 on librdkafka 2.0.2: negotiates with ApiVersions v3 and falls back on error 35.
const KCAT = '/usr/bin/kcat';

let broker: InteropBroker;
const topic = `kcat-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  broker = await startInteropBroker();
  await broker.log.createTopic(topic, { partitions: 2 });
});

afterAll(async () => {
  await broker?.stop();
});

function kcat(args: string[], input?: string) {
  return run(KCAT, ['-b', broker.bootstrap, ...args], { input, timeoutMs: 20_000 });
}

describe('broker › interop › kcat', () => {
  it('-L lists the broker and the topic with its partitions', async () => {
    const { code, stdout } = await kcat(['-L', '-J', '-t', topic]);
    expect(code).toBe(0);
    const meta = JSON.parse(stdout);
    expect(meta.brokers).toEqual([{ id: 0, name: broker.bootstrap }]);
    expect(meta.topics[0].topic).toBe(topic);
    expect(
      meta.topics[0].partitions.map((p: { partition: number; leader: number }) => [p.partition, p.leader]),
    ).toEqual([
      [0, 0],
      [1, 0],
    ]);
  });

  it('-P produces keyed records that -C reads back from the beginning and from an offset', async () => {
    const lines = Array.from({ length: 5 }, (_, i) => `k${i}:value ${i}`).join('\n');
    const produced = await kcat(['-P', '-t', topic, '-p', '1', '-K', ':'], `${lines}\n`);
    expect(produced.code).toBe(0);
    const all = await kcat(['-C', '-t', topic, '-p', '1', '-o', 'beginning', '-e', '-f', '%o|%k|%s\n']);
    expect(all.stdout.trim().split('\n')).toEqual(
      Array.from({ length: 5 }, (_, i) => `${i}|k${i}|value ${i}`),
    );
    const fromThree = await kcat(['-C', '-t', topic, '-p', '1', '-o', '3', '-e', '-f', '%o|%s\n']);
    expect(fromThree.stdout.trim().split('\n')).toEqual(['3|value 3', '4|value 4']);
  });

  it('-C waits for records produced after it started (Fetch long poll)', async () => {
    const consumer = kcat(['-C', '-t', topic, '-p', '0', '-o', 'end', '-c', '1', '-f', '%s\n']);
    await new Promise((r) => setTimeout(r, 1500));
    await kcat(['-P', '-t', topic, '-p', '0'], 'late arrival\n');
    const { stdout } = await consumer;
    expect(stdout.trim()).toBe('late arrival');
  });

  it('-G consumes as a group member, and the group resumes from its committed offsets', async () => {
    const groupTopic = `kcat-group-${randomUUID().slice(0, 8)}`;
    const group = `kcat-${randomUUID().slice(0, 8)}`;
    await kcat(['-P', '-t', groupTopic, '-p', '0'], 'g1\ng2\ng3\n');
    const settings = ['-X', 'auto.commit.interval.ms=100', '-X', 'auto.offset.reset=earliest'];
    const first = await kcat(['-G', group, ...settings, '-e', '-f', '%o %s\n', groupTopic]);
    expect(first.stdout.trim().split('\n')).toEqual(['0 g1', '1 g2', '2 g3']);
    await kcat(['-P', '-t', groupTopic, '-p', '0'], 'g4\n');
    const second = await kcat(['-G', group, ...settings, '-e', '-f', '%o %s\n', groupTopic]);
    expect(second.stdout.trim()).toBe('3 g4');
  });
});
