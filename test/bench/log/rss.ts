import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Log } from '../../../src/log/index.js';
import { appendWorkload, benchTopicConfig, TOPIC } from './sluice.js';

/** What the reading process reports. */
export interface RssResult {
  mb: number;
  records: number;
  ms: number;
  /** RSS after opening the log, before the first read. */
  baselineRssMb: number;
  peakRssMb: number;
}

const reader = fileURLToPath(new URL('./rss-reader.ts', import.meta.url));

/**
 * Writes a topic of about `mb` megabytes (1 KB values), then reads it end to end in a fresh process (so that
 * nothing the writer allocated counts) and returns that process's peak RSS.
 */
export async function measureReadRss(mb: number): Promise<RssResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-rss-'));
  try {
    const log = await Log.open({ dir });
    await log.createTopic(TOPIC, { partitions: 1, config: benchTopicConfig });
    await appendWorkload(log, { records: mb * 1000, batchSize: 1000, valueSize: 1024 }, 1);
    await log.close();
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', reader, dir], {
      maxBuffer: 1 << 20,
    });
    return { mb, ...(JSON.parse(stdout) as Omit<RssResult, 'mb'>) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
