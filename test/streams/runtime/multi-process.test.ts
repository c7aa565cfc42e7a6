import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../../src/client/connect.js';
import type { PartitionInfo } from '../../../src/client/index.js';
import type { Client } from '../../../src/client/types.js';
import { Serdes } from '../../../src/streams/serdes.js';
import { eventually, readUntil } from './helpers.js';

const instanceScript = fileURLToPath(new URL('./fixtures/word-count-instance.ts', import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const PARTITIONS = 6;

/** A process: its exit, and what it wrote to stderr (shown when a step fails). */
interface Proc {
  child: ChildProcess;
  exit: Promise<number | null>;
  stderr: () => string;
}

function spawnProc(args: string[]): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exit, stderr: () => stderr };
}

/** `sluice broker` in a process of its own, on a random loopback port; resolves once it listens. */
async function startBroker(dir: string): Promise<Proc & { bootstrap: string }> {
  const script =
    "import { main } from './src/cli/main.ts'; await main(['node', 'sluice', ...process.argv.slice(1)]);";
  const proc = spawnProc([
    '--input-type=module',
    '-e',
    script,
    'broker',
    '--log-dir',
    dir,
    '--listen',
    '127.0.0.1:0',
  ]);
  const port = await new Promise<number>((resolve, reject) => {
    proc.child.stderr?.on('data', () => {
      const m = /"msg":"broker listening"/.test(proc.stderr()) && /"port":(\d+)/.exec(proc.stderr());
      if (m) resolve(Number(m[1]));
    });
    void proc.exit.then(() => reject(new Error(`broker exited early: ${proc.stderr()}`)));
  });
  return { ...proc, bootstrap: `127.0.0.1:${port}` };
}

/** A word-count instance and what it last printed: its tasks, and the last input offset it processed per partition. */
interface Instance extends Proc {
  state: { tasks: number[]; read: Record<string, number> };
}

function startInstance(bootstrap: string): Instance {
  const instance: Instance = { ...spawnProc([instanceScript, bootstrap]), state: { tasks: [], read: {} } };
  let partial = '';
  instance.child.stdout?.on('data', (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) instance.state = JSON.parse(line);
  });
  return instance;
}

/** Tasks of `instances` that cover every partition, each once. */
function shareAll(instances: Instance[]): boolean {
  const tasks = instances.flatMap((i) => i.state.tasks);
  return tasks.length === PARTITIONS && new Set(tasks).size === PARTITIONS;
}

/** Whether `instances` together processed every partition of `lines` up to the end offsets `before` (exclusive). */
function readPast(instances: Instance[], before: PartitionInfo[]): boolean {
  return before.every((p) => instances.some((i) => (i.state.read[p.partition] ?? -1) >= p.highWatermark));
}

/** `perPartition` lines for each partition, each of about a fifth of `words`. */
function lines(words: string[], perPartition: number, seed: number): { value: string; partition: number }[] {
  return Array.from({ length: perPartition * PARTITIONS }, (_, i) => ({
    value: words.filter((_, j) => (i + j + seed) % 5 === 0).join(' '),
    partition: i % PARTITIONS,
  }));
}

describe('streams › runtime › instances in separate processes', () => {
  let dir: string;
  let broker: Awaited<ReturnType<typeof startBroker>> | undefined;
  let client: Client | undefined;
  const instances: Instance[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-streams-procs-'));
    broker = await startBroker(dir);
    client = await connect({ log: { brokers: [broker.bootstrap] } });
    await client.admin().createTopics([{ name: 'lines', partitions: PARTITIONS }]);
  });

  afterAll(async () => {
    for (const i of instances) i.child.kill('SIGKILL');
    await Promise.all(instances.map((i) => i.exit));
    await client?.close();
    if (broker) {
      broker.child.kill('SIGTERM');
      const timer = setTimeout(() => broker?.child.kill('SIGKILL'), 10_000);
      await broker.exit;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('share the partitions of one app, and take over those of an instance stopped or killed', async () => {
    const c = client!;
    const words = Array.from({ length: 24 }, (_, i) => `w${i}`);
    const truth = new Map<string, number>();
    const producer = c.producer<null, string>({ valueSerde: Serdes.string });
    const produce = async (batch: { value: string; partition: number }[]) => {
      for (const { value } of batch) for (const w of value.split(' ')) truth.set(w, (truth.get(w) ?? 0) + 1);
      await producer.send('lines', batch);
      await producer.flush();
    };
    /** The latest count of each word in the output, once every word reached at least its true count. */
    const counted = async () => {
      const latest = new Map<string, number>();
      await readUntil(
        c,
        'counts',
        (records) => {
          latest.clear();
          for (const r of records) latest.set(r.key!.toString(), Serdes.long.deserialize(r.value, 'counts'));
          return [...truth].every(([w, n]) => (latest.get(w) ?? 0) >= n);
        },
        30_000,
      );
      return latest;
    };
    // Each wait names itself and shows what the instances said when it fails.
    const step = async <T>(name: string, action: () => Promise<T>): Promise<T> => {
      try {
        return await action();
      } catch (error) {
        const said = instances.map((i, n) => `instance ${n}: ${JSON.stringify(i.state)}\n${i.stderr()}`);
        throw new Error(`${name}: ${error}\n${said.join('\n')}`);
      }
    };

    for (let n = 0; n < 3; n++) instances.push(startInstance(broker!.bootstrap));
    const [stopped, killed, survivor] = instances;
    await produce(lines(words, 50, 0));
    await step('three instances share the partitions', () =>
      eventually(() => instances.every((i) => i.state.tasks.length > 0) && shareAll(instances), 40_000),
    );
    for (const i of instances) expect(i.state.tasks.length).toBeGreaterThan(0);
    await step('three instances count', counted);

    // SIGTERM: the instance commits and leaves the group, its partitions move to the two others at once.
    stopped.child.kill('SIGTERM');
    expect(await stopped.exit).toBe(0);
    await step('two instances take over', () => eventually(() => shareAll([killed, survivor]), 30_000));
    let before = await c.admin().partitionOffsets('lines');
    await produce(lines(words, 50, 1));
    await step('two instances count', counted);
    await step('two instances read every partition', () =>
      eventually(() => readPast([killed, survivor], before), 10_000),
    );

    // SIGKILL: the instance's partitions move once its session (6 s) times out.
    before = await c.admin().partitionOffsets('lines');
    killed.child.kill('SIGKILL');
    await killed.exit;
    await produce(lines(words, 50, 2));
    await step('the last instance takes over', () => eventually(() => shareAll([survivor]), 30_000));
    const latest = await step('the last instance counts', counted);
    await step('the last instance reads every partition', () =>
      eventually(() => readPast([survivor], before), 10_000),
    );
    // At least once: a record the killed instance processed but had not committed is counted again.
    for (const [word, n] of truth) expect(latest.get(word), word).toBeGreaterThanOrEqual(n);
    expect(survivor.child.exitCode).toBeNull();
    await producer.close();
  }, 120_000);
});
