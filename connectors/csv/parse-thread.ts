/**
 * The entry of a parsing thread (see {@link readRowsThreaded}): reads one file with {@link readRows} and posts its
 * batches, encoded by {@link encodeRows}, to the task's thread. It runs at most as far ahead as the credits it was
 * given: one comes back with each batch the task takes, so a slow task holds a few batches here, not the file.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type CsvFormat, type CsvPosition, readRows } from './csv-reader.js';
import type { FieldSpec } from './field-types.js';
import { readJsonRows, readsFast } from './json-row-reader.js';
import { RowJsonWriter } from './row-json.js';
import { encodeRows, type RowTransfer, transferList } from './row-transfer.js';

export interface ParseThreadInput {
  file: string;
  format: CsvFormat;
  columns: string[];
  from: CsvPosition;
  /** Batches it may post before the task takes one. */
  credits: number;
  /** The file's fields, to type the rows with. */
  fields?: FieldSpec[];
  /** Whether to write the typed rows' values as the JSON converter's bytes (see {@link RowJsonWriter}). */
  json?: boolean;
}

/** What the thread posts besides batches: the end of the file, or the error that stopped reading it. */
export type ParseThreadEnd = { end: true } | { error: { message: string; code?: string } };

const port = parentPort!;
const input = workerData as ParseThreadInput;
let credits = input.credits;
let wake: (() => void) | null = null;
port.on('message', (n: number) => {
  credits += n;
  wake?.();
});

/** The batches to post: straight from the bytes when the rows are wanted as JSON (see {@link readJsonRows}). */
async function* transfers(): AsyncGenerator<RowTransfer> {
  const { file, format, columns, from, fields } = input;
  if (fields && input.json && readsFast(format)) {
    yield* readJsonRows(file, format, columns, fields, from);
    return;
  }
  const json = fields && input.json ? new RowJsonWriter(fields) : undefined;
  for await (const batch of readRows(file, format, columns, from)) yield encodeRows(batch, fields, json);
}

try {
  for await (const transfer of transfers()) {
    while (credits <= 0) await new Promise<void>((resolve) => (wake = resolve));
    credits--;
    port.postMessage(transfer, transferList(transfer));
  }
  port.postMessage({ end: true } satisfies ParseThreadEnd);
} catch (err) {
  const e = err as Error & { code?: string };
  port.postMessage({
    error: { message: e.message, ...(e.code !== undefined ? { code: e.code } : {}) },
  } satisfies ParseThreadEnd);
}
// The task's thread ends this thread once it has the last message; until then the port keeps it alive.
port.unref();
