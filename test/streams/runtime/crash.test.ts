import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect } from '../../../src/client/connect.js';
import { Serdes } from '../../../src/streams/serdes.js';
import { readUntil, tempClient } from './helpers.js';

const app = fileURLToPath(new URL('./fixtures/word-count-app.ts', import.meta.url));

function start(dir: string): { child: ChildProcess; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', app, dir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) process.stderr.write(stderr);
      resolve(code);
    }),
  );
  return { child, exit };
}

describe('streams › runtime › at least once under SIGKILL', () => {
  let env: Awaited<ReturnType<typeof tempClient>>;
  beforeEach(async () => {
    env = await tempClient();
  });
  afterEach(async () => {
    await env.cleanup();
  });

  it('loses no count however often the app is killed, and resumes from its changelog', async () => {
    const words = Array.from({ length: 50 }, (_, i) => `w${i}`);
    const lines = Array.from({ length: 4000 }, (_, i) => words.filter((_, j) => (i + j) % 7 === 0).join(' '));
    const expected = new Map<string, number>();
    for (const line of lines) for (const w of line.split(' ')) expected.set(w, (expected.get(w) ?? 0) + 1);
    await env.client.admin().createTopics([{ name: 'lines', partitions: 2 }]);
    const producer = env.client.producer<null, string>({ valueSerde: Serdes.string });
    await producer.send(
      'lines',
      lines.map((value, i) => ({ value, partition: i % 2 })),
    );
    await producer.close();
    // The log directory has one writer at a time: the app's process while it runs.
    await env.client.close();

    const kills = 5;
    for (let i = 0; i < kills; i++) {
      const { child, exit } = start(env.dir);
      await new Promise((resolve) => setTimeout(resolve, 600 + Math.random() * 900));
      child.kill('SIGKILL');
      await exit;
    }
    const { exit } = start(env.dir);
    expect(await exit).toBe(0);

    env.client = await connect({ log: { dir: env.dir } });
    const latest = new Map<string, number>();
    await readUntil(env.client, 'counts', (records) => {
      for (const r of records) latest.set(r.key!.toString(), Serdes.long.deserialize(r.value, 'counts'));
      return [...expected.keys()].every((w) => (latest.get(w) ?? 0) >= expected.get(w)!);
    });
    for (const [word, count] of expected) expect(latest.get(word), word).toBeGreaterThanOrEqual(count);
  }, 60_000);
});
