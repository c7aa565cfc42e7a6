import { Worker } from 'node:worker_threads';
import type { CsvFormat, CsvPosition, CsvRow } from './csv-reader.js';
import type { ParseThreadEnd, ParseThreadInput } from './parse-thread.js';
import { decodeRows, type RowTransfer, type RowTyping } from './row-transfer.js';

/** Batches (of about 64 KiB of the file each) the parsing thread may run ahead of the task. */
const CREDITS = 16;

/**
 * The parsing thread's entry. Run from the TypeScript sources (tests, benchmarks), the thread has no loader for
 * them until it registers tsx, the loader the sources run under, before importing its entry.
 */
function startThread(input: ParseThreadInput): Worker {
  const here = import.meta.url;
  const options = {
    workerData: input,
    // The thread holds a few batches at a time: a small young generation keeps its share of the RSS small.
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
  };
  if (!here.endsWith('.ts')) return new Worker(new URL('./parse-thread.js', here), options);
  const entry = JSON.stringify(new URL('./parse-thread.ts', here).href);
  return new Worker(`import('tsx/esm/api').then((tsx) => tsx.register()).then(() => import(${entry}))`, {
    ...options,
    eval: true,
  });
}

/**
 * {@link readRows} with the parsing on a thread of its own: the same batches, the same errors, while this thread
 * converts and sends the rows before. csv-parse is about half of a row's cost, so this nearly doubles what one task
 * reads on a machine with a core to spare. Given the file's `typing`, the parsing thread also types each row that
 * fits its fields, which then comes with its value instead of its cells.
 */
export async function* readRowsThreaded(
  file: string,
  format: CsvFormat,
  columns: readonly string[],
  from: CsvPosition,
  typing?: RowTyping,
): AsyncGenerator<CsvRow[]> {
  const worker = startThread({
    file,
    format,
    columns: [...columns],
    from,
    credits: CREDITS,
    ...(typing ? { fields: [...typing.fields], json: typing.json === true } : {}),
  });
  const queue: (RowTransfer | ParseThreadEnd)[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const woken = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  worker.on('message', (m: RowTransfer | ParseThreadEnd) => {
    queue.push(m);
    woken();
  });
  worker.on('error', (err) => {
    failure = err;
    woken();
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`the thread parsing ${file} exited with code ${code}`);
    woken();
  });
  try {
    for (;;) {
      while (queue.length === 0 && failure === null) await new Promise<void>((resolve) => (wake = resolve));
      const m = queue.shift();
      if (m === undefined) throw failure;
      if ('end' in m) return;
      if ('error' in m) throw Object.assign(new Error(m.error.message), { code: m.error.code });
      worker.postMessage(1);
      yield decodeRows(m, typing);
    }
  } finally {
    worker.removeAllListeners('exit');
    await worker.terminate();
  }
}
