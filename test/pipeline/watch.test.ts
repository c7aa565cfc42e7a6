import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonLines, waitFor } from './wait.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A tailed file of JSON lines → parse and keep one level → a JSON-lines file. */
function pipeline(dir: string, filter: string): string {
  return `name: watched
log:
  dir: ${join(dir, 'log')}
sources:
  - name: lines
    connector: FileStreamSource
    topic: raw
    config:
      file: ${join(dir, 'in.log')}
      tail: true
      poll.interval.ms: 100
streams:
  - name: pick
    from: raw
    steps:
      - map: $eval($)
      - filter: ${filter}
    to: picked
sinks:
  - name: out
    connector: FileStreamSink
    topics: picked
    config:
      file: ${join(dir, 'out.jsonl')}
      format: json
`;
}

describe('pipeline › run --watch', () => {
  it('restarts only what an edit changed, and keeps running through an invalid edit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-watch-'));
    dirs.push(dir);
    const file = join(dir, 'p.yaml');
    const input = join(dir, 'in.log');
    const out = join(dir, 'out.jsonl');
    writeFileSync(file, pipeline(dir, 'level = "error"'));
    writeFileSync(input, '');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/run.ts', 'run', file, '--watch', '--json'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const logLines = () =>
      stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg: string; level: number; [k: string]: unknown });
    const write = (from: number, n: number) => {
      for (let i = from; i < from + n; i++)
        appendFileSync(input, `${JSON.stringify({ n: i, level: ['error', 'warn', 'info'][i % 3] })}\n`);
    };
    try {
      await waitFor('watching', () => logLines().some((l) => l.msg === `watching ${file} for changes`));
      write(0, 30);
      await waitFor('errors of the first batch', () => jsonLines(out).length === 10);

      // Only the stream's definition changes: it restarts, the source and the sink keep running.
      writeFileSync(file, pipeline(dir, 'level = "warn"'));
      await waitFor('the reload', () => logLines().some((l) => l.msg.startsWith(`${file} reloaded`)));
      const reload = logLines().find((l) => l.msg.startsWith(`${file} reloaded`))!;
      expect(reload.msg).toBe(`${file} reloaded: restarted stream pick; unchanged: source lines, sink out`);
      expect(reload.changes).toMatchObject({
        sources: { changed: [], unchanged: ['lines'] },
        streams: { changed: ['pick'] },
        sinks: { changed: [], unchanged: ['out'] },
      });
      write(30, 30);
      await waitFor('warnings of the second batch', () => jsonLines(out).length === 20);
      expect(jsonLines(out).map((r) => r.level)).toEqual([
        ...Array(10).fill('error'),
        ...Array(10).fill('warn'),
      ]);
      expect(
        jsonLines(out)
          .slice(10)
          .every((r) => (r.n as number) >= 30),
      ).toBe(true);

      // An edit that does not validate: reported at its position, and the pipeline runs on as it was.
      const broken = pipeline(dir, 'level = "warn"').replace('      - filter:', '      - filtre:');
      writeFileSync(file, broken);
      const line = broken.split('\n').findIndex((l) => l.includes('filtre')) + 1;
      await waitFor('the invalid edit', () => logLines().some((l) => l.msg.includes('not reloaded')));
      const invalid = logLines().find((l) => l.msg.includes('not reloaded'))!;
      expect(invalid.level).toBe(50);
      expect(invalid.msg).toContain(`${file}: not reloaded, 1 error; still running the previous version`);
      expect(invalid.msg).toContain(`${file}:${line}:9: streams.0.steps.1.filtre: unknown step "filtre"`);
      write(60, 30);
      await waitFor('warnings of the third batch', () => jsonLines(out).length === 30);
      expect(
        jsonLines(out)
          .slice(20)
          .every((r) => r.level === 'warn' && (r.n as number) >= 60),
      ).toBe(true);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      // The source never re-read its file: 90 lines in, each once.
      const summary = JSON.parse(stdout.trim().split('\n').pop()!);
      expect(summary.recordsIn).toBe(90);
      expect(new Set(jsonLines(out).map((r) => r.n)).size).toBe(30);
    } finally {
      child.kill('SIGKILL');
    }
  }, 180_000);

  it('on a terminal, says what it reloaded and what was wrong above the live view', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-watch-tty-'));
    dirs.push(dir);
    const file = join(dir, 'p.yaml');
    writeFileSync(file, pipeline(dir, 'level = "error"'));
    writeFileSync(join(dir, 'in.log'), '');
    // script(1) runs the command on a pseudo-terminal: what a person sees, Ctrl-C included. It starts the command
    // through $SHELL; `exec` makes sluice the only process in the terminal's foreground group, since a shell that
    // waited for it (dash does) would die of the same Ctrl-C and make script report 130.
    const child = spawn(
      'script',
      ['-qfec', `exec ${process.execPath} --import tsx src/cli/run.ts run ${file} --watch`, '/dev/null'],
      { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, SHELL: '/bin/sh' } },
    );
    let screen = '';
    child.stdout.on('data', (d) => {
      screen += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor('watching', () => screen.includes(`watching ${file} for changes`));
      writeFileSync(file, pipeline(dir, 'level = "warn"'));
      await waitFor('the reload', () => screen.includes('reloaded'));
      const broken = pipeline(dir, 'level = "warn"').replace('      - filter:', '      - filtre:');
      writeFileSync(file, broken);
      const line = broken.split('\n').findIndex((l) => l.includes('filtre')) + 1;
      await waitFor('the invalid edit', () => screen.includes('not reloaded'));
      // Escape sequences (cursor up, clear) are how the view redraws; the text is what the person reads.
      const lines = screen.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').split('\r\n');
      expect(lines).toContain(`${file} reloaded: restarted stream pick; unchanged: source lines, sink out`);
      expect(lines).toContain(`${file}: not reloaded, 1 error; still running the previous version`);
      expect(
        lines.some((l) => l.startsWith(`  ${file}:${line}:9: streams.0.steps.1.filtre: unknown step`)),
      ).toBe(true);
      // The live view is drawn below the messages, and redrawn in place.
      await waitFor('the live view', () =>
        /stream pick +\d+ records/.test(screen.slice(screen.indexOf('not reloaded'))),
      );
      child.stdin.write('\x03');
      expect(await exited).toBe(0);
      expect(screen).toContain('stopping: flushing and committing');
    } finally {
      child.kill('SIGKILL');
    }
  }, 180_000);
});
