import { human, type Measurement, recordsPerSec } from '../report.js';
import type { RssResult } from './rss.js';

/** One goal of the log benchmark, as the issue states it, and whether this run met it. */
export interface Goal {
  goal: string;
  target: string;
  measured: string;
  /** Undefined when the run did not measure it (a peer skipped, `--rss` not given). */
  met: boolean | undefined;
}

/** Checks a run's measurements against the goals of the segment log. */
export function goals(results: Measurement[], rss: RssResult | undefined): Goal[] {
  const rate = (c: string, subject: string) => {
    const m = results.find((r) => r.case === c && r.subject === subject);
    return m ? recordsPerSec(m) : undefined;
  };
  const absolute = (goal: string, c: string, target: number): Goal => {
    const r = rate(c, 'sluice');
    return {
      goal,
      target: `≥ ${human(target)}/s`,
      measured: r ? `${human(r)}/s` : '-',
      met: r ? r >= target : undefined,
    };
  };
  const ratio = (goal: string, c: string, peer: string, target: number, strict = false): Goal => {
    const ours = rate(c, 'sluice');
    const theirs = rate(c, peer);
    const x = ours && theirs ? ours / theirs : undefined;
    return {
      goal,
      target: `${strict ? '>' : '≥'} ${target}×`,
      measured: x ? `${x.toFixed(2)}×` : '-',
      met: x ? (strict ? x > target : x >= target) : undefined,
    };
  };
  const list: Goal[] = [
    absolute('append 100 B, no fsync', 'append 100 B, no fsync', 2_000_000),
    absolute('append 100 B, acks=all', 'append 100 B, acks=all', 1_000_000),
    absolute('read 100 B, decoding every record', 'read 100 B', 3_000_000),
    ratio('append vs better-sqlite3 (no fsync)', 'append 100 B, no fsync', 'better-sqlite3', 5),
    ratio('read vs better-sqlite3', 'read 100 B', 'better-sqlite3', 8),
    ratio('append vs NATS JetStream', 'append 100 B, no fsync', 'NATS JetStream', 1, true),
    ratio('read vs NATS JetStream', 'read 100 B', 'NATS JetStream', 1, true),
  ];
  const ofRaw = rate('append 1 KB, no fsync', 'sluice');
  const raw = rate('append 1 KB, no fsync', 'raw limit');
  const share = ofRaw && raw ? ofRaw / raw : undefined;
  list.push({
    goal: 'append 1 KB, share of the raw write limit',
    target: '≥ 60%',
    measured: share ? `${(share * 100).toFixed(0)}%` : '-',
    met: share ? share >= 0.6 : undefined,
  });
  list.push({
    goal: `peak RSS reading a ${rss ? `${rss.mb} MB` : '2 GB'} topic`,
    target: '< 200 MB',
    measured: rss ? `${rss.peakRssMb.toFixed(0)} MB` : '- (run with --rss)',
    met: rss ? rss.peakRssMb < 200 : undefined,
  });
  return list;
}
