/**
 * `npm run bench -- client`: producer → log → consumer group end to end (1,000,000 records of 100 B, 1 and 3
 * consumers) beside the raw log (the ceiling) and NATS JetStream with a durable pull consumer; then the time
 * partitions stop flowing when a member leaves cleanly and when it crashes (the default session timeout).
 * `--quick` skips the crash case (it waits out the 45 s session timeout); `--json` prints JSON.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endToEnd } from './client/end-to-end.js';
import { jetstreamPull } from './client/jetstream-pull.js';
import { rawLog } from './client/raw-log.js';
import { type RebalanceResult, rebalance } from './client/rebalance.js';
import { defaultWorkload, type Result, rate } from './client/workload.js';
import { formatTable, human, wantsJson } from './report.js';

async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-client-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<void> {
  const w = defaultWorkload;
  const results: Result[] = [];
  results.push(...(await inTempDir((dir) => rawLog(dir, w))));
  results.push(await inTempDir((dir) => endToEnd(dir, w, 1)));
  results.push(await inTempDir((dir) => endToEnd(dir, w, 3)));
  try {
    results.push(await jetstreamPull(w));
  } catch (error) {
    results.push({
      case: 'end to end, 1 consumer',
      subject: 'NATS JetStream',
      records: 0,
      ms: Number.NaN,
      note: `not run: ${(error as Error).message}`,
    });
  }
  const rebalances: RebalanceResult[] = [await inTempDir((dir) => rebalance(dir, 'clean leave'))];
  if (!args.includes('--quick')) rebalances.push(await inTempDir((dir) => rebalance(dir, 'crash')));

  const ceiling = results.find((r) => r.subject === 'raw log (ceiling)');
  const share = (r: Result) =>
    ceiling && r.subject === 'sluice embedded' ? `${((rate(r) / rate(ceiling)) * 100).toFixed(0)}%` : '';
  if (wantsJson(args)) {
    process.stdout.write(`${JSON.stringify({ workload: w, results, rebalances }, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `client: ${human(w.records)} records of ${w.valueBytes} B, ${w.partitions} partitions\n\n`,
  );
  const rows = results.map((r) => [
    r.case,
    r.subject,
    Number.isFinite(r.ms) ? `${human(rate(r))}/s` : '-',
    Number.isFinite(r.ms) ? `${(r.ms / 1000).toFixed(2)} s` : '-',
    share(r),
    r.note ?? '',
  ]);
  process.stdout.write(
    `${formatTable(['case', 'subject', 'records/s', 'time', 'of ceiling', 'note'], rows)}\n\n`,
  );
  const rb = rebalances.map((r) => [r.case, `${r.ms.toFixed(1)} ms`, r.note]);
  process.stdout.write(`${formatTable(['rebalance', 'partitions flowing again after', 'note'], rb)}\n`);
}
