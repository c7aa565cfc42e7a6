import type { ComponentProgress, PipelineSummary } from './pipeline-run.js';

/**
 * The terminal view of a running pipeline: one line per source, stream and sink with records, records/s and lag,
 * redrawn in place. Off a terminal, the same figures go out as JSON lines instead.
 */
export class LiveView {
  private lines = 0;
  private last = new Map<string, { records: number; at: number }>();

  constructor(private readonly out: NodeJS.WriteStream) {}

  get interactive(): boolean {
    return this.out.isTTY === true;
  }

  rates(
    components: ComponentProgress[],
    now = performance.now(),
  ): (ComponentProgress & { perSecond: number })[] {
    return components.map((c) => {
      const key = `${c.kind}/${c.name}`;
      const prev = this.last.get(key);
      this.last.set(key, { records: c.records, at: now });
      const perSecond = prev && now > prev.at ? ((c.records - prev.records) * 1000) / (now - prev.at) : 0;
      return { ...c, perSecond };
    });
  }

  /** Prints a message above the view; the next draw puts the view back below it. */
  note(message: string): void {
    if (this.lines > 0) this.out.write(`\x1b[${this.lines}A\x1b[0J`);
    this.lines = 0;
    this.out.write(`${message}\n`);
  }

  draw(components: ComponentProgress[]): void {
    const rows = this.rates(components);
    const text = rows.map(
      (c) =>
        `${c.kind.padEnd(6)} ${c.name.padEnd(24)} ${String(c.records).padStart(10)} records ${c.perSecond.toFixed(0).padStart(9)}/s  lag ${String(c.lag).padStart(8)}  ${c.state}`,
    );
    if (this.lines > 0) this.out.write(`\x1b[${this.lines}A`);
    for (const line of text) this.out.write(`\x1b[2K${line}\n`);
    this.lines = text.length;
  }
}

/** The closing summary: how the run ended, totals, and one line per component with its state. */
export function formatSummary(s: PipelineSummary, problems: readonly string[] = s.problems): string {
  const seconds = (s.durationMs / 1000).toFixed(2);
  const head = problems.length === 0 ? `done in ${seconds} s` : `FAILED after ${seconds} s`;
  return [
    `${head}: ${s.recordsIn} records in, ${s.recordsOut} out, ${s.deadLettered} dead-lettered`,
    ...s.components.map(
      (c) =>
        `  ${c.kind.padEnd(6)} ${c.name.padEnd(24)} ${String(c.records).padStart(10)} records  ${c.state}`,
    ),
  ].join('\n');
}
