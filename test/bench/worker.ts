/**
 * A `sluice connect standalone` worker from dist/ as a benchmark's subject: started with a first connector, driven
 * over its REST API, its CPU time read per thread from /proc and its record counts from its metrics.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sluiceBin } from './dist.js';

/** Clock ticks per second of /proc/<pid>/stat times. */
export function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** User + system time in a /proc `stat` file (of a process or of one of its threads), in µs. */
export async function cpuOfStat(file: string, ticks: number): Promise<number> {
  const stat = await readFile(file, 'utf8');
  // The fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / ticks) * 1e6;
}

/** The CPU time of a process (its threads that ended included) and of each of its live threads, in µs. */
export interface CpuSample {
  total: number;
  threads: Map<number, number>;
  /** The count of samples taken before this one. */
  seq: number;
}

/**
 * Samples a worker process's CPU time per thread every 50 ms, so that a stretch of its run splits into its main
 * thread (the tasks), the threads it started during that stretch (e.g. the CSV source's parsing thread) and the
 * rest (V8's garbage-collection helpers, libuv's file-system pool): the CPU µs per row of each stage.
 */
export class ThreadCpu {
  /** The last CPU time seen per thread: a thread that ended keeps what it had at the last sample. */
  private readonly lastSeen = new Map<number, number>();
  /** The sample in which each thread was first seen. */
  private readonly firstSeen = new Map<number, number>();
  private samples = 0;
  private readonly timer: NodeJS.Timeout;
  private sampling: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pid: number,
    private readonly ticks: number,
  ) {
    this.timer = setInterval(() => {
      this.sampling = this.sample().catch(() => undefined);
    }, 50);
  }

  async sample(): Promise<CpuSample> {
    const seq = this.samples++;
    const total = await cpuOfStat(`/proc/${this.pid}/stat`, this.ticks);
    const threads = new Map<number, number>();
    for (const tid of await readdir(`/proc/${this.pid}/task`).catch(() => [] as string[])) {
      const us = await cpuOfStat(`/proc/${this.pid}/task/${tid}/stat`, this.ticks).catch(() => Number.NaN);
      if (Number.isNaN(us)) continue;
      threads.set(Number(tid), us);
      this.lastSeen.set(Number(tid), us);
      if (!this.firstSeen.has(Number(tid))) this.firstSeen.set(Number(tid), seq);
    }
    return { total, threads, seq };
  }

  /** How the CPU time between two samples splits by stage, in µs. */
  split(from: CpuSample, to: CpuSample): { total: number; main: number; started: number; other: number } {
    const total = to.total - from.total;
    const main = (to.threads.get(this.pid) ?? 0) - (from.threads.get(this.pid) ?? 0);
    let started = 0;
    for (const [tid, us] of this.lastSeen) {
      const first = this.firstSeen.get(tid)!;
      if (tid !== this.pid && first > from.seq && first <= to.seq) started += us;
    }
    return { total, main, started, other: Math.max(0, total - main - started) };
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sampling;
  }
}

/** A `sluice connect standalone` worker from dist/, driven over its REST API. */
export class WorkerProcess {
  private log = '';
  private constructor(
    readonly child: ReturnType<typeof spawn>,
    readonly url: string,
    private readonly exited: Promise<number | null>,
  ) {
    child.stderr!.on('data', (s: string) => (this.log = (this.log + s).slice(-20_000)));
  }

  /**
   * Starts the worker with `connector` (one is required) and waits for its REST API; `nodeArgs` go to node before
   * the CLI (e.g. `--cpu-prof`, which NODE_OPTIONS does not take).
   */
  static async start(
    dir: string,
    workerProps: string[],
    connector: string[],
    nodeArgs: string[] = [],
  ): Promise<WorkerProcess> {
    await writeFile(path.join(dir, 'worker.properties'), workerProps.join('\n'));
    await writeFile(path.join(dir, 'warmup.properties'), connector.join('\n'));
    const child = spawn(
      process.execPath,
      [
        ...nodeArgs,
        sluiceBin,
        'connect',
        'standalone',
        path.join(dir, 'worker.properties'),
        path.join(dir, 'warmup.properties'),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.stderr!.setEncoding('utf8');
    let seen = '';
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (s: string) => {
        seen += s;
        const m = /REST API on (http:\/\/\S+)/.exec(seen);
        if (m) {
          child.stderr!.off('data', onData);
          resolve(m[1]!.replace(/\/$/, ''));
        }
      };
      child.stderr!.on('data', onData);
      void exited.then((code) => reject(new Error(`the worker exited with ${code}:\n${seen}`)));
    });
    return new WorkerProcess(child, url, exited);
  }

  async call(method: string, route: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}${route}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}\n${this.log}`);
    return text === '' ? null : JSON.parse(text);
  }

  /** Creates a connector and waits until `done` says it is through (polled every 20 ms). */
  async runUntil(name: string, config: Record<string, unknown>, done: () => Promise<boolean>): Promise<void> {
    await this.call('POST', '/connectors', { name, config });
    await this.until(name, done);
  }

  /** Waits until `done` says a running connector is through (polled every 20 ms); fails when a task fails. */
  async until(name: string, done: () => Promise<boolean>): Promise<void> {
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`the worker exited:\n${this.log}`);
      const status = (await this.call('GET', `/connectors/${name}/status`)) as {
        tasks: { state: string; trace?: string }[];
      };
      const failed = status.tasks.find((t) => t.state === 'FAILED');
      if (failed) throw new Error(`${name} failed: ${failed.trace}`);
      if (await done()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async finished(name: string): Promise<boolean> {
    const status = (await this.call('GET', `/connectors/${name}/status`)) as { tasks: { state: string }[] };
    return status.tasks.length > 0 && status.tasks.every((t) => t.state === 'FINISHED');
  }

  /** The sum of a sink connector's committed offsets. */
  async committed(name: string): Promise<number> {
    const { offsets } = (await this.call('GET', `/connectors/${name}/offsets`)) as {
      offsets: { offset: { kafka_offset: number } }[];
    };
    return offsets.reduce((n, o) => n + o.offset.kafka_offset, 0);
  }

  /** The sum of a counter of the worker's metrics (`GET /metrics`) over the series of one connector. */
  async metric(name: string, connector: string): Promise<number> {
    const res = await fetch(`${this.url}/metrics`);
    if (!res.ok) throw new Error(`GET /metrics: ${res.status}\n${this.log}`);
    let sum = 0;
    for (const line of (await res.text()).split('\n')) {
      if (!line.startsWith(`${name}{`) || !line.includes(`connector="${connector}"`)) continue;
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return sum;
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    const code = await this.exited;
    if (code !== 0) throw new Error(`the worker exited with ${code}:\n${this.log}`);
  }
}
