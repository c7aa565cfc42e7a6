/**
 * The compiled CLI for benchmarks whose subject is a worker process: it runs from dist/, as `npx sluice` does, so
 * that its memory is what users see (tsx alone adds tens of MB).
 */
import { execFileSync } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** The repository root, and `bin/sluice.js` in it. */
export const root = path.resolve(import.meta.dirname, '../..');
export const sluiceBin = path.join(root, 'bin/sluice.js');

/** True when dist/ is missing or older than a source file. */
async function distIsStale(): Promise<boolean> {
  const built = await stat(path.join(root, 'dist/src/cli/main.js')).catch(() => null);
  if (!built) return true;
  for (const dir of ['src', 'connectors']) {
    for (const entry of await readdir(path.join(root, dir), { recursive: true })) {
      if (!entry.endsWith('.ts')) continue;
      if ((await stat(path.join(root, dir, entry))).mtimeMs > built.mtimeMs) return true;
    }
  }
  return false;
}

/** Builds dist/ when it is missing or stale, so that the benchmark measures the code as it is. */
export async function ensureDist(): Promise<void> {
  if (!(await distIsStale())) return;
  process.stderr.write('building dist/ first (the worker runs as the compiled `sluice`)\n');
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}

/** The peak resident set size of a live process (Linux `VmHWM`), in bytes. */
export async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : Number.NaN;
}
