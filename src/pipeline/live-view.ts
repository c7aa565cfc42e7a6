import type { ComponentProgress, PipelineSummary } from './pipeline-run.js';

/** A component's progress with the rates the view worked out from the figures it saw before. */
export interface ComponentRate extends ComponentProgress {
  /** Records per second since the previous figures. */
  perSecond: number;
  /** Bytes of input per second since the view first saw the source, for a source that reports bytes read. */
  bytesPerSecond?: number;
  /** Seconds left at that rate, for a source whose input size is known; absent until it has a rate. */
  etaSeconds?: number;
}

/**
 * The terminal view of a running pipeline: one line per source, stream and sink with records, records/s and lag,
 * redrawn in place; a source that knows the size of its input (a finite CSV folder or file) shows how far through
 * it is, the bytes read and an ETA instead of its lag. Off a terminal, the same figures go out as JSON lines.
 */
export class LiveView {
  private lines = 0;
  private last = new Map<string, { records: number; at: number }>();
  /** Bytes read when the view first saw each source: the ETA goes by the average rate since then. */
  private firstBytes = new Map<string, { bytes: number; at: number }>();

  constructor(private readonly out: NodeJS.WriteStream) {}

  get interactive(): boolean {
    return this.out.isTTY === true;
  }

  rates(components: ComponentProgress[], now = performance.now()): ComponentRate[] {
    return components.map((c) => {
      const key = `${c.kind}/${c.name}`;
      const prev = this.last.get(key);
      this.last.set(key, { records: c.records, at: now });
      const perSecond = prev && now > prev.at ? ((c.records - prev.records) * 1000) / (now - prev.at) : 0;
      const row: ComponentRate = { ...c, perSecond };
      if (c.bytesRead === undefined) return row;
      const first = this.firstBytes.get(key);
      if (!first || c.bytesRead < first.bytes) {
        // First sight, or the source started over (a reload): no rate yet.
        this.firstBytes.set(key, { bytes: c.bytesRead, at: now });
        if (c.bytesTotal !== undefined && c.bytesRead >= c.bytesTotal) row.etaSeconds = 0;
        return row;
      }
      if (now > first.at) row.bytesPerSecond = ((c.bytesRead - first.bytes) * 1000) / (now - first.at);
      if (c.bytesTotal !== undefined) {
        const left = Math.max(0, c.bytesTotal - c.bytesRead);
        if (left === 0) row.etaSeconds = 0;
        else if (row.bytesPerSecond !== undefined && row.bytesPerSecond > 0)
          row.etaSeconds = left / row.bytesPerSecond;
      }
      return row;
    });
  }

  /** Prints a message above the view; the next draw puts the view back below it. */
  note(message: string): void {
    if (this.lines > 0) this.out.write(`\x1b[${this.lines}A\x1b[0J`);
    this.lines = 0;
    this.out.write(`${message}\n`);
  }

  draw(components: ComponentProgress[], now = performance.now()): void {
    const text = this.rates(components, now).map(formatLine);
    if (this.lines > 0) this.out.write(`\x1b[${this.lines}A`);
    for (const line of text) this.out.write(`\x1b[2K${line}\n`);
    this.lines = text.length;
  }
}

/** One line of the live view. */
export function formatLine(c: ComponentRate): string {
  const head = `${c.kind.padEnd(6)} ${c.name.padEnd(24)} ${String(c.records).padStart(10)} records ${c.perSecond.toFixed(0).padStart(9)}/s`;
  if (c.bytesRead !== undefined && c.bytesTotal !== undefined) {
    const eta = c.etaSeconds === undefined ? '-:--' : formatDuration(c.etaSeconds);
    return `${head}  ${formatPercent(c.bytesRead, c.bytesTotal).padStart(6)}  ${formatBytes(c.bytesRead)} of ${formatBytes(c.bytesTotal)}  ETA ${eta}  ${c.state}`;
  }
  const read = c.bytesRead !== undefined ? `  ${formatBytes(c.bytesRead)} read` : '';
  return `${head}  lag ${String(c.lag).padStart(8)}${read}  ${c.state}`;
}

/** How much of `total` `read` is, with one decimal: `42.5%`; an empty input is done. */
export function formatPercent(read: number, total: number): string {
  const share = total <= 0 ? 1 : Math.min(1, read / total);
  // Floored, so that 100% means all of it.
  return `${(Math.floor(share * 1000) / 10).toFixed(1)}%`;
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/** Bytes in binary units with one decimal past 1 KiB: `812 B`, `1.5 KiB`, `285.0 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** Seconds as `m:ss`, or `h:mm:ss` from an hour on, rounded up: a remaining time never shows 0:00 too early. */
export function formatDuration(seconds: number): string {
  const total = Math.ceil(Math.max(0, seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The closing summary: how the run ended, totals, and one line per component with its state. */
export function formatSummary(s: PipelineSummary, problems: readonly string[] = s.problems): string {
  const seconds = (s.durationMs / 1000).toFixed(2);
  const head = problems.length === 0 ? `done in ${seconds} s` : `FAILED after ${seconds} s`;
  return [
    `${head}: ${s.recordsIn} records in, ${s.recordsOut} out, ${s.deadLettered} dead-lettered`,
    ...s.components.map(
      (c) =>
        `  ${c.kind.padEnd(6)} ${c.name.padEnd(24)} ${String(c.records).padStart(10)} records  ${c.state}${c.bytesRead !== undefined ? `  ${formatBytes(c.bytesRead)} read` : ''}`,
    ),
  ].join('\n');
}
