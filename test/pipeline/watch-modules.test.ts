import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { connectorCatalog } from '../../src/pipeline/catalog.js';
import { PipelineRun } from '../../src/pipeline/pipeline-run.js';
import { PipelineWatch, type ReloadEvent } from '../../src/pipeline/pipeline-watch.js';
import { SourceFile } from '../../src/pipeline/source-file.js';
import { validatePipeline } from '../../src/pipeline/validate.js';
import { waitFor } from './wait.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A tailed file → a stream of two module steps (one TypeScript, one JavaScript) → a JSON-lines file. */
function pipeline(dir: string): string {
  return `name: modules
log:
  dir: ${join(dir, 'log')}
sources:
  - name: lines
    connector: FileStreamSource
    topic: raw
    config:
      file: ${join(dir, 'in.log')}
      tail: true
      poll.interval.ms: 50
streams:
  - name: tagged
    from: raw
    steps:
      - module: ./tag.ts#tag
      - module: ./stamp.mjs#stamp
    to: out
  - name: plain
    from: raw
    steps:
      - map: '{ "line": $ }'
    to: plain
sinks:
  - name: out
    connector: FileStreamSink
    topics: out
    config:
      file: ${join(dir, 'out.jsonl')}
      format: json
`;
}

const tagModule = (tag: string) =>
  `import { map } from 'rxjs';\nexport const tag = () => map((r: any) => ({ ...r, value: { line: r.value, tag: '${tag}' } }));\n`;
const stampModule = (stamp: string) =>
  `import { map } from 'rxjs';\nexport const stamp = () => map((r) => ({ ...r, value: { ...r.value, stamp: '${stamp}' } }));\n`;

function outLines(dir: string): { line: string; tag: string; stamp: string }[] {
  const file = join(dir, 'out.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
}

describe('pipeline › run --watch › module steps', () => {
  it('restarts only the streams whose module file was edited, and runs the edited code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-watch-modules-'));
    dirs.push(dir);
    const file = join(dir, 'p.yaml');
    writeFileSync(file, pipeline(dir));
    writeFileSync(join(dir, 'in.log'), '');
    // The user's modules import rxjs from the project they live in.
    symlinkSync(join(process.cwd(), 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'tag.ts'), tagModule('v1'));
    writeFileSync(join(dir, 'stamp.mjs'), stampModule('s1'));
    const load = async (f: string) => validatePipeline(await SourceFile.read(f), connectorCatalog());
    const { spec, diagnostics } = await load(file);
    expect(diagnostics).toEqual([]);
    const logger = pino({ level: 'silent' });
    const run = await PipelineRun.start(spec!, { file, logger, commitIntervalMs: 100 });
    const events: ReloadEvent[] = [];
    const watch = await PipelineWatch.start(run, {
      file,
      logger,
      load,
      debounceMs: 50,
      onReload: (e) => void events.push(e),
    });
    try {
      appendFileSync(join(dir, 'in.log'), 'a\nb\n');
      await waitFor('the first lines', () => outLines(dir).length === 2);
      expect(outLines(dir)).toEqual([
        { line: 'a', tag: 'v1', stamp: 's1' },
        { line: 'b', tag: 'v1', stamp: 's1' },
      ]);

      // A JavaScript module: Node's module cache must not hand back the old code.
      writeFileSync(join(dir, 'stamp.mjs'), stampModule('s2'));
      await waitFor('the reload for stamp.mjs', () => events.length === 1);
      expect(events[0]).toMatchObject({
        type: 'reloaded',
        message: `${file} reloaded (stamp.mjs changed): restarted stream tagged; unchanged: source lines, stream plain, sink out`,
      });
      appendFileSync(join(dir, 'in.log'), 'c\n');
      await waitFor('the line after the first edit', () => outLines(dir).length === 3);
      expect(outLines(dir)[2]).toEqual({ line: 'c', tag: 'v1', stamp: 's2' });

      writeFileSync(join(dir, 'tag.ts'), tagModule('v2'));
      await waitFor('the reload for tag.ts', () => events.length === 2);
      expect(events[1].message).toContain('(tag.ts changed): restarted stream tagged');
      appendFileSync(join(dir, 'in.log'), 'd\n');
      await waitFor('the line after the second edit', () => outLines(dir).length === 4);
      // Nothing was read twice across the restarts, and the last line ran the edited code of both files.
      expect(outLines(dir).map((r) => r.line)).toEqual(['a', 'b', 'c', 'd']);
      expect(outLines(dir)[3]).toEqual({ line: 'd', tag: 'v2', stamp: 's2' });
    } finally {
      await watch.close();
      await watch.run.stop();
    }
  }, 120_000);
});
