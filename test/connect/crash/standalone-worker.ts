import { type SpawnedCli, spawnCli } from '../../cli/spawn-cli.js';
import { eventually } from '../conformance/harness.js';

/**
 * Starts `sluice connect standalone` with these config files. `proc` is there at once (for the caller to kill in
 * its cleanup); `url` resolves with the REST API's address once the worker serves.
 */
export function spawnStandaloneWorker(files: string[]): { proc: SpawnedCli; url: Promise<string> } {
  const proc = spawnCli(['connect', 'standalone', ...files]);
  let stderr = '';
  proc.child.stderr?.on('data', (s: string) => (stderr += s));
  const url = (async () => {
    let found = '';
    await eventually(
      () => {
        found = /REST API on (http:\/\/\S+)/.exec(stderr)?.[1] ?? '';
        return found !== '';
      },
      30_000,
      `the worker to start (stderr: ${stderr})`,
    );
    return found;
  })();
  return { proc, url };
}
