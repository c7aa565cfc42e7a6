import { Option } from 'commander';
import type { Log } from '../log/index.js';

/** Where the CLI keeps its log when neither `--log-dir` nor `SLUICE_LOG_DIR` says otherwise. */
export const DEFAULT_LOG_DIR = './.sluice/data';

/** `--log-dir <dir>`, defaulting to `$SLUICE_LOG_DIR`, then {@link DEFAULT_LOG_DIR}. Every log command takes it. */
export function logDirOption(): Option {
  return new Option('--log-dir <dir>', 'the log directory').env('SLUICE_LOG_DIR').default(DEFAULT_LOG_DIR);
}

/**
 * Opens the log in `dir` for the length of `fn` and closes it afterwards, also when `fn` throws. The CLI opens the
 * log directly, so it fails with a clear error while another process (a broker, a pipeline) holds the directory.
 */
export async function withLog<T>(dir: string, fn: (log: Log) => Promise<T>): Promise<T> {
  const { Log } = await import('../log/index.js');
  const log = await Log.open({ dir });
  try {
    return await fn(log);
  } finally {
    await log.close();
  }
}
