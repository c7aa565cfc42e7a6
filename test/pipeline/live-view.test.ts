import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatDuration,
  formatPercent,
  formatSummary,
  LiveView,
} from '../../src/pipeline/live-view.js';
import type { ComponentProgress } from '../../src/pipeline/pipeline-run.js';

/** A terminal that keeps what is written to it. */
function terminal() {
  const written: string[] = [];
  const out = {
    isTTY: true,
    write: (s: string) => {
      written.push(s);
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { out, written };
}

const MiB = 1024 * 1024;
const source = (bytesRead: number, extra: Partial<ComponentProgress> = {}): ComponentProgress => ({
  kind: 'source',
  name: 'orders',
  records: Math.floor(bytesRead / 1024),
  lag: 0,
  state: 'RUNNING',
  bytesRead,
  bytesTotal: 100 * MiB,
  ...extra,
});

/** The lines of the last draw, without the terminal's control sequences. */
const lastDraw = (written: string[], lines: number) =>
  written.slice(-lines).map((s) => s.replace(/\x1b\[\d*[A-Z]/g, '').trimEnd());

describe('pipeline › live-view', () => {
  it('shows the share read, the bytes and an ETA at the average rate for a source of known size', () => {
    const { out, written } = terminal();
    const view = new LiveView(out);
    view.draw([source(10 * MiB)], 1_000);
    // No rate yet at the first sight: the ETA is not guessed.
    expect(lastDraw(written, 1)[0]).toMatch(/ 10\.0% {2}10\.0 MiB of 100\.0 MiB {2}ETA -:-- {2}RUNNING$/);
    // 20 MiB more in 2 s: 10 MiB/s, 70 MiB left, 7 s.
    view.draw([source(30 * MiB)], 3_000);
    expect(lastDraw(written, 1)[0]).toMatch(
      /^source orders +30720 records +10240\/s +30\.0% {2}30\.0 MiB of 100\.0 MiB {2}ETA 0:07 {2}RUNNING$/,
    );
    // The rate is the average since the first sight, 81 MiB in 81 s, not the last draw's (61 MiB in 79 s): 9 s
    // for the last 9 MiB.
    view.draw([source(91 * MiB)], 82_000);
    expect(lastDraw(written, 1)[0]).toMatch(/ 91\.0% {2}91\.0 MiB of 100\.0 MiB {2}ETA 0:09 {2}RUNNING$/);
    view.draw([source(100 * MiB, { state: 'FINISHED' })], 83_000);
    expect(lastDraw(written, 1)[0]).toMatch(/ 100\.0% {2}100\.0 MiB of 100\.0 MiB {2}ETA 0:00 {2}FINISHED$/);
  });

  it('gives hours past the hour, and redraws each component line in place', () => {
    const { out, written } = terminal();
    const view = new LiveView(out);
    const sink: ComponentProgress = { kind: 'sink', name: 'pg', records: 5, lag: 12, state: 'RUNNING' };
    view.draw([source(0), sink], 0);
    view.draw([source(1 * MiB), sink], 60_000);
    // 1 MiB a minute, 99 MiB left: 99 minutes.
    const [top, bottom] = lastDraw(written, 2);
    expect(top).toMatch(/ 1\.0% {2}1\.0 MiB of 100\.0 MiB {2}ETA 1:39:00 {2}RUNNING$/);
    // A component without bytes keeps its lag column.
    expect(bottom).toMatch(/^sink {3}pg +5 records +0\/s {2}lag +12 {2}RUNNING$/);
    expect(written).toContain('\x1b[2A');
  });

  it('shows records/s, lag and bytes read, with no share or ETA, when the size is unknown (tailing)', () => {
    const { out, written } = terminal();
    const view = new LiveView(out);
    view.draw([source(2048, { bytesTotal: undefined, records: 40 })], 0);
    view.draw([source(4096, { bytesTotal: undefined, records: 80 })], 1_000);
    const [line] = lastDraw(written, 1);
    expect(line).toMatch(/^source orders +80 records +40\/s {2}lag +0 {2}4\.0 KiB read {2}RUNNING$/);
    expect(line).not.toMatch(/%|ETA/);
    const rates = view.rates([source(6144, { bytesTotal: undefined })], 2_000);
    expect(rates[0]).toMatchObject({ bytesPerSecond: 2048 });
    expect(rates[0]).not.toHaveProperty('etaSeconds');
  });

  it('formats bytes, shares and durations', () => {
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(285 * MiB)).toBe('285.0 MiB');
    expect(formatBytes(3 * 1024 * MiB)).toBe('3.0 GiB');
    // Floored: 100% only when all of it is read; an empty input is all read.
    expect(formatPercent(999_999, 1_000_000)).toBe('99.9%');
    expect(formatPercent(1_000_000, 1_000_000)).toBe('100.0%');
    expect(formatPercent(0, 0)).toBe('100.0%');
    // Rounded up: time left never shows 0:00 before the end.
    expect(formatDuration(0.2)).toBe('0:01');
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3600 + 62)).toBe('1:01:02');
  });

  it('puts the bytes a source read in the closing summary', () => {
    const text = formatSummary({
      recordsIn: 3,
      recordsOut: 3,
      deadLettered: 0,
      durationMs: 1500,
      components: [
        { ...source(4 * MiB), state: 'FINISHED' },
        { kind: 'sink', name: 'out', records: 3, lag: 0, state: 'RUNNING' },
      ],
      problems: [],
    });
    expect(text.split('\n')).toEqual([
      'done in 1.50 s: 3 records in, 3 out, 0 dead-lettered',
      expect.stringMatching(/^ {2}source orders +4096 records {2}FINISHED {2}4\.0 MiB read$/),
      expect.stringMatching(/^ {2}sink {3}out +3 records {2}RUNNING$/),
    ]);
  });
});
