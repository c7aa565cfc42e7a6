/**
 * `sluice log repair`: fixes what `sluice log verify` reports, after a dry run shows the plan. Nothing is thrown
 * away: damaged bytes are moved under `<log.dir>/quarantine/<topic>-<partition>/<from>-<to>.batch` (the offsets
 * they held), where `log dump` can still read what is left of them.
 *
 * - a damaged batch inside a segment (bad CRC, or a length that does not fit): quarantined, the segment rewritten
 *   without it and its indexes rebuilt; the log then serves the offsets around it with a gap where it was;
 * - bytes after the last sound batch of a partition's last segment (a torn write): truncated, as recovery would;
 * - a damaged or torn `.index` / `.timeindex`: deleted, so that the log rebuilds it at open (and writes it back);
 * - an index without its `.log`: deleted;
 * - a `topics/<name>.json` that does not parse: quarantined, and written again from the partition directories
 *   (the topic's config overrides are lost: set them again with `sluice topics alter`);
 * - a checkpoint file that does not parse or puts a log start past a partition's end: deleted (the log then
 *   verifies every segment at open, or starts each partition at its first segment).
 *
 * Offsets missing between segments (a deleted segment file) cannot be brought back; they are reported.
 */
import fs from 'node:fs';
import path from 'node:path';
import { batchProblem } from '../codec/batch-header.js';
import { BatchField, readInt64 } from '../codec/batch-layout.js';
import { findResumePointSync } from '../damaged-batch.js';
import { fdatasync, readAtSync } from '../fs-util.js';
import { LockFile } from '../lock-file.js';
import { segmentBaseOffsets } from '../segment-files.js';
import { parsePartitionDirName } from './segment-file-name.js';
import { QUARANTINE_DIR, type VerifyReport, verifyLogDir } from './verify-log-dir.js';

export type RepairAction =
  | { kind: 'quarantine'; file: string; position: number; bytes: number; to: string; message: string }
  | { kind: 'truncate'; file: string; position: number; bytes: number; message: string }
  | { kind: 'rebuild-index'; file: string; message: string }
  | { kind: 'delete'; file: string; message: string }
  | { kind: 'rewrite-topic'; file: string; partitions: number; to: string; message: string }
  | { kind: 'unfixable'; file: string; message: string };

export interface RepairReport {
  dir: string;
  dryRun: boolean;
  /** What verify found before the repair. */
  before: VerifyReport;
  actions: RepairAction[];
}

interface Region {
  position: number;
  end: number;
  from: number;
  to: number;
}

/** The damaged regions of one `.log`: where sound batches stop and start again, and the offsets in between. */
function damagedRegions(file: string, nextBase: number | null): { regions: Region[]; size: number } {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const base = Number(path.basename(file, '.log'));
    const regions: Region[] = [];
    let last = base - 1;
    for (let pos = 0; pos < size; ) {
      const head = readAtSync(fd, pos, 12);
      const length = head.length === 12 ? head.readInt32BE(8) : -1;
      const whole = length >= 49 && pos + 12 + length <= size ? readAtSync(fd, pos, 12 + length) : null;
      if (whole && batchProblem(whole, 0) === null) {
        last = readInt64(whole, BatchField.BaseOffset) + whole.readInt32BE(BatchField.LastOffsetDelta);
        pos += whole.length;
        continue;
      }
      const resume = findResumePointSync(fd, pos, size, last, Number.MAX_SAFE_INTEGER);
      const to = resume.position < size ? resume.offset - 1 : nextBase !== null ? nextBase - 1 : last;
      regions.push({ position: pos, end: resume.position, from: last + 1, to });
      pos = resume.position;
    }
    return { regions, size };
  } finally {
    fs.closeSync(fd);
  }
}

function planSegment(dir: string, file: string, nextBase: number | null, actions: RepairAction[]): void {
  const { regions } = damagedRegions(file, nextBase);
  const partition = path.basename(path.dirname(file));
  // Last first: each repair of the file then leaves the positions of the ones still to come as they were.
  for (const r of [...regions].reverse()) {
    const bytes = r.end - r.position;
    if (nextBase === null && r.to < r.from) {
      actions.push({
        kind: 'truncate',
        file,
        position: r.position,
        bytes,
        message: `cut ${bytes} bytes after the last sound batch of the partition (a torn write)`,
      });
      continue;
    }
    const to = path.join(dir, QUARANTINE_DIR, partition, `${r.from}-${Math.max(r.from, r.to)}.batch`);
    actions.push({
      kind: 'quarantine',
      file,
      position: r.position,
      bytes,
      to,
      message: `move ${bytes} damaged bytes (offsets ${r.from} to ${Math.max(r.from, r.to)}) to ${to}; the segment's indexes are rebuilt`,
    });
  }
}

/** Plans the repair of every damage `verify` reports; applies it unless `dryRun`. */
export async function repairLogDir(dir: string, options: { dryRun?: boolean } = {}): Promise<RepairReport> {
  const dryRun = options.dryRun ?? false;
  const lock = dryRun ? null : LockFile.acquire(path.resolve(dir));
  try {
    const before = await verifyLogDir(dir);
    const actions = plan(dir, before);
    if (!dryRun) for (const action of actions) await apply(action);
    return { dir, dryRun, before, actions };
  } finally {
    lock?.release();
  }
}

function plan(dir: string, report: VerifyReport): RepairAction[] {
  const actions: RepairAction[] = [];
  const seen = new Set<string>();
  const once = (key: string) => !seen.has(key) && (seen.add(key), true);
  for (const d of report.damage) {
    switch (d.kind) {
      case 'corrupt-batch':
      case 'torn-tail': {
        if (!once(d.file)) break;
        const bases = segmentBaseOffsets(fs.readdirSync(path.dirname(d.file)));
        const next = bases.find((b) => b > Number(path.basename(d.file, '.log')));
        planSegment(dir, d.file, next ?? null, actions);
        for (const ext of ['.index', '.timeindex']) {
          const index = d.file.replace(/\.log$/, ext);
          if (fs.existsSync(index) && once(index))
            actions.push({
              kind: 'rebuild-index',
              file: index,
              message: 'deleted; rebuilt when the log opens',
            });
        }
        break;
      }
      case 'index-entry':
      case 'time-index-entry':
      case 'torn-index':
        if (once(d.file))
          actions.push({
            kind: 'rebuild-index',
            file: d.file,
            message: 'deleted; rebuilt when the log opens',
          });
        break;
      case 'orphan-index':
        if (once(d.file))
          actions.push({ kind: 'delete', file: d.file, message: 'an index without its .log' });
        break;
      case 'topic-metadata': {
        if (!once(d.file)) break;
        const topic = path.basename(d.file, '.json');
        let partitions = 0;
        for (const name of fs.readdirSync(dir)) {
          const parsed = parsePartitionDirName(name);
          if (parsed?.topic === topic) partitions = Math.max(partitions, parsed.partition + 1);
        }
        const to = path.join(dir, QUARANTINE_DIR, 'topics', path.basename(d.file));
        if (partitions === 0) {
          actions.push({ kind: 'delete', file: d.file, message: `no ${topic}-<n> directory holds its data` });
        } else {
          actions.push({
            kind: 'rewrite-topic',
            file: d.file,
            partitions,
            to,
            message: `move to ${to} and write again with ${partitions} partitions and no config overrides (set them again with \`sluice topics alter\`)`,
          });
        }
        break;
      }
      case 'checkpoint':
        if (once(d.file)) {
          actions.push({
            kind: 'delete',
            file: d.file,
            message: `${d.message}; deleted (the log verifies every segment at open, or starts partitions at their first segment)`,
          });
        }
        break;
      case 'offset-gap':
      case 'offset-order':
        actions.push({ kind: 'unfixable', file: d.file, message: `${d.message}: those records are gone` });
        break;
    }
  }
  return actions;
}

async function writeDurably(file: string, data: Buffer): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, data);
    await fdatasync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

async function apply(action: RepairAction): Promise<void> {
  switch (action.kind) {
    case 'quarantine': {
      const data = fs.readFileSync(action.file);
      await writeDurably(action.to, data.subarray(action.position, action.position + action.bytes));
      const kept = Buffer.concat([
        data.subarray(0, action.position),
        data.subarray(action.position + action.bytes),
      ]);
      const tmp = `${action.file}.repair.tmp`;
      await writeDurably(tmp, kept);
      fs.renameSync(tmp, action.file);
      return;
    }
    case 'truncate':
      fs.truncateSync(action.file, action.position);
      return;
    case 'rebuild-index':
    case 'delete':
      fs.rmSync(action.file, { force: true });
      return;
    case 'rewrite-topic':
      fs.mkdirSync(path.dirname(action.to), { recursive: true });
      fs.renameSync(action.file, action.to);
      await writeDurably(
        action.file,
        Buffer.from(`${JSON.stringify({ partitions: action.partitions, config: {} }, null, 2)}\n`),
      );
      return;
    case 'unfixable':
      return;
  }
}
