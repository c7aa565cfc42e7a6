import { type ChildProcess, spawn } from 'node:child_process';
import { sluiceBin } from '../bench/dist.js';

export interface CompiledRun {
  child: ChildProcess;
  /** Resolves when the process exits, with everything it printed. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  stdout(): string;
  stderr(): string;
}

/**
 * Starts the compiled `sluice <args>` (`node bin/sluice.js`, as `npx sluice` runs it) as a real process. dist/ is
 * kept fresh by the global setup.
 */
export function startSluice(
  args: string[],
  options: { input?: string; env?: Record<string, string>; cwd?: string } = {},
): CompiledRun {
  const child = spawn(process.execPath, [sluiceBin, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  if (options.input !== undefined) child.stdin?.end(options.input);
  else child.stdin?.end();
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, stdout: () => stdout, stderr: () => stderr };
}

/** Runs the compiled `sluice <args>` to completion. */
export function runSluice(
  args: string[],
  options: { input?: string; env?: Record<string, string>; cwd?: string } = {},
) {
  return startSluice(args, options).done;
}
