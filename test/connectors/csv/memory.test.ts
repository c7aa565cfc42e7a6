import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect } from '../../../src/client/index.js';
import { ensureDist, sluiceBin } from '../../bench/dist.js';

const MiB = 1024 * 1024;
/** The case: a 2 GiB file, ten times the memory bound; long rows keep csv-parse's work per byte low. */
const FILE_BYTES = 2048 * MiB;
const PEAK_RSS_LIMIT = 200 * MiB;

const reporter = fileURLToPath(new URL('./report-peak-rss.mjs', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-csv-rss-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes rows of one id and one quoted 64 KiB note (with doubled quotes, commas and line breaks) up to `bytes`. */
async function writeLongRows(file: string, bytes: number): Promise<number> {
  const unit = 'a "quoted" word, and a line\nbreak; ';
  const note = unit.repeat(Math.ceil((64 * 1024) / unit.length)).replaceAll('"', '""');
  const out = createWriteStream(file);
  out.write('id,note\n');
  let rows = 0;
  for (let written = 0; written < bytes; rows++) {
    const line = `${rows},"${note}"\n`;
    written += line.length;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise((resolve) => out.end(resolve));
  return rows;
}

describe('connectors › csv › memory', () => {
  // The 2 GiB file takes about a minute on a quiet machine, and 142 s was seen on a throttled one: a long timeout.
  it(`streams a 2 GiB file through sluice run: every row reaches the topic, peak RSS under 200 MB`, async () => {
    const input = path.join(dir, 'input');
    await mkdir(input);
    const rows = await writeLongRows(path.join(input, 'long.csv'), FILE_BYTES);
    const logDir = path.join(dir, 'log');
    const pipeline = path.join(dir, 'csv-to-log.yaml');
    await writeFile(
      pipeline,
      [
        'name: csv-to-log',
        `log: { dir: ${JSON.stringify(logDir)} }`,
        'sources:',
        '  - name: long-rows',
        '    connector: csv',
        '    topic: rows',
        '    config:',
        `      input.path: ${JSON.stringify(input)}`,
        '      input.claim: offsets',
        '      input.finite: true',
        '      cleanup.policy: none',
        '',
      ].join('\n'),
    );
    const peakFile = path.join(dir, 'peak-rss');
    // `sluice run` as a user runs it: the compiled CLI (tsx would add tens of MB of its own), in a process whose
    // peak RSS is its own. dist/ is built by `npm install`; it is rebuilt here when a source is newer.
    await ensureDist();
    const child = spawn(
      process.execPath,
      ['--import', reporter, sluiceBin, 'run', pipeline, '--until-done', '--json'],
      { env: { ...process.env, SLUICE_PEAK_RSS_FILE: peakFile }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s.slice(-2000)));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code, stderr).toBe(0);

    const client = await connect({ log: { dir: logDir } });
    try {
      const offsets = await client.admin().partitionOffsets('rows');
      expect(offsets.reduce((n, p) => n + p.highWatermark - p.logStartOffset, 0)).toBe(rows);
    } finally {
      await client.close();
    }
    const peak = Number(await readFile(peakFile, 'utf8'));
    expect(peak).toBeGreaterThan(0);
    expect(peak, `peak RSS ${(peak / MiB).toFixed(0)} MiB`).toBeLessThan(PEAK_RSS_LIMIT);
  }, 600_000);
});
