/**
 * `npm run bench -- connect [--mb 1024] [--json]`: a file of 100-byte lines through the Connect runtime — file
 * source → topic (embedded log, acks=all) → file sink (fsync on flush) — in a `sluice connect standalone` process
 * (its peak RSS is read from /proc), against the ceiling of the same run, `cat` of the same file into another.
 * Beside it, in the same run, the log alone: the same lines appended with acks=all and read back by the compiled
 * log in this process. Goals: 150 MiB/s on a quiet machine, at least 50% of the log's own append + read rate, and
 * RSS under 200 MB. The CPU time per line (user + system: the worker's from /proc, the log's from this process)
 * is printed beside the wall rates: on a shared machine it is the steadier figure. Both split by thread: the main
 * thread (for the worker: the source and sink tasks, the converters, the producer, the consumer and the log, which
 * share it) and the others (V8's garbage-collection helpers, libuv's file-system pool: reads, writes, fsyncs).
 */
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureDist, peakRss, root, sluiceBin } from './dist.js';
import {
  flag,
  formatTable,
  human,
  type Measurement,
  mbPerSec,
  recordsPerSec,
  timed,
  wantsJson,
} from './report.js';
import { ThreadCpu } from './worker.js';

const LINE = 100;

async function writeInput(file: string, bytes: number): Promise<number> {
  const lines = Math.floor(bytes / LINE);
  const out = createWriteStream(file);
  const chunk: string[] = [];
  for (let i = 0; i < lines; i++) {
    chunk.push(`${String(i).padStart(12, '0')} ${'x'.repeat(LINE - 14)}\n`);
    if (chunk.length === 10_000) {
      if (!out.write(chunk.join(''))) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk.length = 0;
    }
  }
  out.end(chunk.join(''));
  await new Promise<void>((r) => out.once('finish', () => r()));
  return lines;
}

/**
 * The log's own cost for the same records: the file's lines appended in chunks of the source's batch size with
 * acks=all (as the source task's producer), then read back, with the compiled log from dist/ in this process.
 */
async function logAppendRead(
  input: string,
  dir: string,
  ticks: number,
): Promise<{ ms: number; cpuMicros: number; mainMicros: number }> {
  const { Log } = (await import(pathToFileURL(path.join(root, 'dist/src/log/index.js')).href)) as {
    Log: typeof import('../../src/log/index.js').Log;
  };
  const text = await readFile(input);
  // Sampled only before and after, so that no sampling runs beside the log.
  const threads = new ThreadCpu(process.pid, ticks);
  await threads.stop();
  const before = await threads.sample();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const log = await Log.open({ dir });
  try {
    await log.createTopic('bench', { partitions: 1 });
    let chunk: { value: Buffer }[] = [];
    let from = 0;
    for (;;) {
      const end = text.indexOf(10, from);
      if (end < 0) break;
      chunk.push({ value: text.subarray(from, end) });
      from = end + 1;
      if (chunk.length === 5000) {
        await log.append('bench', 0, chunk, { acks: 'all' });
        chunk = [];
      }
    }
    if (chunk.length > 0) await log.append('bench', 0, chunk, { acks: 'all' });
    let offset = 0;
    for (;;) {
      const r = await log.readRecords('bench', 0, offset, { maxBytes: 1 << 20 });
      if (r.records.length === 0) break;
      offset = r.nextOffset;
    }
  } finally {
    await log.close();
  }
  const used = process.cpuUsage(cpu);
  const ms = performance.now() - start;
  const split = threads.split(before, await threads.sample());
  return { ms, cpuMicros: used.user + used.system, mainMicros: split.main };
}

function cat(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `cat "${from}" > "${to}" && sync "${to}"`], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`cat exited with ${code}`))));
  });
}

/** Clock ticks per second of /proc/<pid>/stat times. */
function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** The CPU time (user + system) a live process has used so far, in µs. */
async function cpuMicros(pid: number, ticks: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / ticks) * 1e6;
}

export async function run(args: string[]): Promise<void> {
  const mb = Number(flag(args, 'mb') ?? 1024);
  await ensureDist();
  const ticks = clockTicks();
  const loadBefore = os.loadavg()[0] ?? 0;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-bench-connect-'));
  try {
    const input = path.join(dir, 'input.txt');
    const lines = await writeInput(input, mb * 1024 * 1024);
    const bytes = (await stat(input)).size;

    const ceiling = await timed(() => cat(input, path.join(dir, 'cat.txt')));
    await rm(path.join(dir, 'cat.txt'));
    const logPeer = await logAppendRead(input, path.join(dir, 'peer-log'), ticks);
    await rm(path.join(dir, 'peer-log'), { recursive: true, force: true });

    // A real worker process, so that its RSS is the worker's alone: file source -> topic (acks=all) -> file sink.
    const output = path.join(dir, 'output.txt');
    await writeFile(
      path.join(dir, 'worker.properties'),
      [
        `log.dir=${path.join(dir, 'log')}`,
        'rest.enable=false',
        'offset.flush.interval.ms=1000',
        'key.converter=string',
        'value.converter=string',
      ].join('\n'),
    );
    await writeFile(
      path.join(dir, 'source.properties'),
      `name=src\nconnector.class=FileStreamSource\nfile=${input}\ntopic=bench\nbatch.size=5000\ntail=false\n`,
    );
    await writeFile(
      path.join(dir, 'sink.properties'),
      `name=sink\nconnector.class=FileStreamSink\ntopics=bench\nfile=${output}\n`,
    );
    let rss = 0;
    let cpu = 0;
    let mainCpu = 0;
    const sluice = await timed(async () => {
      const child = spawn(
        process.execPath,
        [
          sluiceBin,
          'connect',
          'standalone',
          ...['worker', 'source', 'sink'].map((f) => path.join(dir, `${f}.properties`)),
        ],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const threads = new ThreadCpu(child.pid!, ticks);
      const before = await threads.sample();
      try {
        for (;;) {
          const written = (await stat(output).catch(() => ({ size: 0 }))).size;
          if (written >= bytes) break;
          if (child.exitCode !== null) throw new Error(`the worker exited early with ${child.exitCode}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        rss = await peakRss(child.pid!);
        cpu = await cpuMicros(child.pid!, ticks);
        // The main thread's time from its start: the sample before may come before the process had any.
        mainCpu = threads.split({ ...before, threads: new Map() }, await threads.sample()).main;
      } finally {
        await threads.stop();
        child.kill('SIGTERM');
        await exited;
      }
    });
    const peak = rss;

    const results: Measurement[] = [
      { case: `${mb} MiB of 100 B lines`, subject: 'cat (ceiling)', records: lines, bytes, ms: ceiling.ms },
      {
        case: `${mb} MiB of 100 B lines`,
        subject: 'the log alone: append (acks=all) + read',
        records: lines,
        bytes,
        ms: logPeer.ms,
      },
      {
        case: `${mb} MiB of 100 B lines`,
        subject: 'sluice connect standalone: file source → topic → file sink',
        records: lines,
        bytes,
        ms: sluice.ms,
        note: `worker peak RSS ${(peak / 1024 / 1024).toFixed(0)} MB`,
      },
    ];
    const cpuPerLine = cpu / lines;
    const logCpuPerLine = logPeer.cpuMicros / lines;
    const stages = [
      `main thread ${(logPeer.mainMicros / lines).toFixed(2)}, other threads ${((logPeer.cpuMicros - logPeer.mainMicros) / lines).toFixed(2)}`,
      `main thread (tasks, clients, log) ${(mainCpu / lines).toFixed(2)}, other threads ${((cpu - mainCpu) / lines).toFixed(2)}`,
    ];
    const loadAfter = os.loadavg()[0] ?? 0;
    const sluiceResult = results[2]!;
    const ratio = mbPerSec(sluiceResult) / mbPerSec(results[0]!);
    const ofLog = mbPerSec(sluiceResult) / mbPerSec(results[1]!);
    if (wantsJson(args)) {
      process.stdout.write(
        `${JSON.stringify({ results, ratio, ofLog, peakRssBytes: peak, workerCpuMicrosPerLine: cpuPerLine, workerMainThreadCpuMicrosPerLine: mainCpu / lines, logCpuMicrosPerLine: logCpuPerLine, logMainThreadCpuMicrosPerLine: logPeer.mainMicros / lines, loadBefore, loadAfter })}\n`,
      );
      return;
    }
    const rows = results.map((m, i) => [
      m.subject,
      human(recordsPerSec(m)),
      mbPerSec(m).toFixed(1),
      (m.ms / 1000).toFixed(2),
      i === 2 ? cpuPerLine.toFixed(2) : i === 1 ? logCpuPerLine.toFixed(2) : '',
      i >= 1 ? stages[i - 1]! : '',
      m.note ?? '',
    ]);
    process.stdout.write(
      `${formatTable(['subject', 'records/s', 'MiB/s', 'seconds', 'CPU µs/line', 'CPU µs/line by thread', 'note'], rows)}\n`,
    );
    process.stdout.write(
      `\nsluice moves ${mbPerSec(sluiceResult).toFixed(0)} MiB/s (goal ≥ 150 MiB/s on a quiet machine): ` +
        `${(ofLog * 100).toFixed(0)}% of the log's own append + read (goal ≥ 50%), ` +
        `${(ratio * 100).toFixed(0)}% of cat's bytes/s; worker peak RSS ${(peak / 1024 / 1024).toFixed(0)} MB (goal < 200 MB)\n` +
        `worker CPU ${cpuPerLine.toFixed(2)} µs per line (user + system, start-up included); load average ` +
        `${loadBefore.toFixed(1)} before the run, ${loadAfter.toFixed(1)} after, on ${os.cpus().length} cores\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
