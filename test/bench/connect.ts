/**
 * `npm run bench -- connect [--mb 1024] [--json]`: a file of 100-byte lines through the Connect runtime — file
 * source → topic (embedded log, acks=all) → file sink (fsync on flush) — against the ceiling of the same run,
 * `cat` of the same file into another. Goal: at least 40% of cat's bytes/s with RSS under 200 MB.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { builtinConnectors } from '../../connectors/index.js';
import { connect } from '../../src/client/index.js';
import { parseWorkerConfig, Worker } from '../../src/connect/runtime/index.js';
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

function cat(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `cat "${from}" > "${to}" && sync "${to}"`], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`cat exited with ${code}`))));
  });
}

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

export async function run(args: string[]): Promise<void> {
  const mb = Number(flag(args, 'mb') ?? 1024);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-bench-connect-'));
  try {
    const input = path.join(dir, 'input.txt');
    const lines = await writeInput(input, mb * 1024 * 1024);
    const bytes = (await stat(input)).size;

    const ceiling = await timed(() => cat(input, path.join(dir, 'cat.txt')));
    await rm(path.join(dir, 'cat.txt'));

    const output = path.join(dir, 'output.txt');
    const client = await connect({ log: { dir: path.join(dir, 'log') } });
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const config = parseWorkerConfig({
      'rest.enable': false,
      'offset.flush.interval.ms': 1000,
      'key.converter': 'string',
      'value.converter': 'string',
    });
    const worker = await Worker.start({ client, config, plugins: builtinConnectors, logger: silent });
    const sluice = await timed(async () => {
      await worker.create({
        name: 'src',
        'connector.class': 'FileStreamSource',
        file: input,
        topic: 'bench',
        'batch.size': 5000,
        tail: false,
      });
      await worker.create({
        name: 'sink',
        'connector.class': 'FileStreamSink',
        topics: 'bench',
        file: output,
      });
      for (;;) {
        const written = (await stat(output).catch(() => ({ size: 0 }))).size;
        if (written >= bytes) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    clearInterval(sampler);
    await worker.close();
    await client.close();

    const results: Measurement[] = [
      { case: `${mb} MiB of 100 B lines`, subject: 'cat (ceiling)', records: lines, bytes, ms: ceiling.ms },
      {
        case: `${mb} MiB of 100 B lines`,
        subject: 'sluice file source → topic → file sink',
        records: lines,
        bytes,
        ms: sluice.ms,
        note: `peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB`,
      },
    ];
    const ratio = mbPerSec(results[1]!) / mbPerSec(results[0]!);
    if (wantsJson(args)) {
      process.stdout.write(`${JSON.stringify({ results, ratio, peakRssBytes: peakRss })}\n`);
      return;
    }
    const rows = results.map((m) => [
      m.subject,
      human(recordsPerSec(m)),
      mbPerSec(m).toFixed(1),
      (m.ms / 1000).toFixed(2),
      m.note ?? '',
    ]);
    process.stdout.write(`${formatTable(['subject', 'records/s', 'MiB/s', 'seconds', 'note'], rows)}\n`);
    process.stdout.write(
      `\nsluice reaches ${(ratio * 100).toFixed(0)}% of cat's bytes/s (goal ≥ 40%); peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB (goal < 200 MB)\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
