import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';

const KCAT = '/usr/bin/kcat';

/** A file of `records` lines, each `valueSize` bytes long with its newline, for `kcat -P` to send line by line. */
export async function writeLines(file: string, records: number, valueSize: number): Promise<void> {
  const line = `${'x'.repeat(valueSize - 1)}\n`;
  const chunk = line.repeat(10_000);
  const parts: string[] = [];
  for (let i = 0; i < records / 10_000; i++) parts.push(chunk);
  await writeFile(file, parts.join(''));
}

function kcat(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(KCAT, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`kcat ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve(Number(process.hrtime.bigint() - start) / 1e6);
    });
  });
}

/**
 * `kcat -P` of every line of `file` to one partition, acks=all (librdkafka's default); wall time in ms. kcat reads
 * the file itself (`-l`): piping 100 MB through this process would measure the pipe, not the broker.
 */
export function kcatProduce(bootstrap: string, topic: string, file: string): Promise<number> {
  return kcat([
    '-b',
    bootstrap,
    '-P',
    '-t',
    topic,
    '-p',
    '0',
    '-X',
    'linger.ms=20',
    '-X',
    'batch.num.messages=10000',
    '-X',
    'queue.buffering.max.messages=2000000',
    '-X',
    'queue.buffering.max.kbytes=1048576',
    '-l',
    file,
  ]);
}

/** `kcat -C` of the whole partition from the beginning to its end; wall time in ms. */
export function kcatConsume(bootstrap: string, topic: string): Promise<number> {
  return kcat(['-b', bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q']);
}
