import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../../src/cli/run.ts', import.meta.url));

export interface SpawnedCli {
  child: ChildProcess;
  /** Resolves when the process exits, with everything it printed. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** What it has printed to stdout so far. */
  stdout(): string;
}

/** Starts `sluice <args>` as a real process (`node --import tsx src/cli/run.ts`), feeding `input` to its stdin. */
export function spawnCli(
  args: string[],
  options: { input?: string; env?: Record<string, string> } = {},
): SpawnedCli {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  if (options.input !== undefined) child.stdin?.end(options.input);
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, stdout: () => stdout };
}

/** Runs `sluice <args>` to completion as a real process. */
export function sluice(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  return spawnCli(args, options).done;
}
