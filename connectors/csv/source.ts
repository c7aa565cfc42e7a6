import os from 'node:os';
import { join } from 'node:path';
import type { FSWatcher } from 'chokidar';
import type { z } from 'zod';
import {
  ConfigError,
  defineSourceConnector,
  EndOfInputError,
  Schemas,
  type SourceProgress,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
  struct,
} from '../../src/connect/index.js';
import { type CsvSourceTaskConfig, csvSourceConfig } from './config.js';
import { type CsvFormat, type CsvPosition, type CsvRow, readHeader, readRows } from './csv-reader.js';
import { type CellValue, type FieldSpec, inferField, parseFieldType } from './field-types.js';
import { readJsonRows, readsFast } from './json-row-reader.js';
import { objectBuilder } from './object-builder.js';
import { CsvHeaders, jsonRows, type OpenFile, rowToRecord, schemaOf } from './row-to-record.js';
import { decodeRows, type RowTransfer } from './row-transfer.js';
import { type ClaimedFile, SpoolDirectory } from './spool-directory.js';
import { readRowsThreaded } from './threaded-reader.js';

/** A file read to its end, to be cleaned up once the offset of its last row is committed. */
interface DrainingFile {
  file: ClaimedFile;
  partition: { file: string };
  position: number;
}

function formatOf(c: CsvSourceTaskConfig): CsvFormat {
  return {
    delimiter: c['csv.separator.char'],
    quote: c['csv.quote.char'],
    escape: c['csv.escape.char'],
    header: c['csv.first.row.as.header'],
    ...(c['csv.columns'].length ? { columns: c['csv.columns'] } : {}),
    skipLines: c['csv.skip.lines'],
    ...(c['csv.null.value'] !== undefined ? { nullValue: c['csv.null.value'] } : {}),
    trim: c['csv.trim'],
    encoding: c['csv.file.charset'],
    relaxColumnCount: false,
  };
}

/**
 * Whether a file of `size` bytes is parsed on a thread of its own. The thread pays only with a core to spare:
 * on a busy machine (10 files of 0.9 MB at a load of 10 on 2 cores: 26 s threaded, 10 s inline) parsing in the
 * task is faster, so `auto` goes by the load average at the time the file is opened.
 */
export function parseOnThread(
  size: number,
  config: { 'csv.parse.thread': 'auto' | 'always' | 'never'; 'csv.parse.thread.min.bytes': number },
  loadAverage: number,
  cores: number,
): boolean {
  const mode = config['csv.parse.thread'];
  if (mode === 'never' || size < config['csv.parse.thread.min.bytes']) return false;
  return mode === 'always' || loadAverage < cores - 0.5;
}

/**
 * Reads CSV files dropped into a folder: claims each file atomically, parses it as a stream, types its cells by a
 * declared or inferred schema, and resumes mid-file after a crash from the byte position in its source offset.
 */
export class CsvSourceTask implements SourceTask<CsvSourceTaskConfig> {
  private config!: CsvSourceTaskConfig;
  private context!: SourceTaskContext;
  private spool!: SpoolDirectory;
  private format!: CsvFormat;
  private backlog: ClaimedFile[] = [];
  private current: OpenFile | null = null;
  /** Files read to the end, by name, waiting for the offset of their last row to be committed. */
  private draining = new Map<string, DrainingFile>();
  private watcher: FSWatcher | null = null;
  /** With input.claim=offsets, the files this run has opened (they stay where they are). */
  private readonly readInPlace = new Set<string>();
  private wake: (() => void) | null = null;
  /** Bytes of the files this run read to their end (or gave up on), for {@link inputProgress}. */
  private doneBytes = 0;
  /** This task's share of the bytes of the files left in the folder at the last claim. */
  private waitingBytes = 0;

  async start(config: CsvSourceTaskConfig, context: SourceTaskContext): Promise<void> {
    this.config = config;
    this.context = context;
    this.format = formatOf(config);
    this.spool = new SpoolDirectory(config);
    await this.spool.init();
    this.backlog = await this.spool.claimedBefore();
    if (!config['input.finite']) {
      // Loaded only to watch: a finite run lists the folder and needs no watcher.
      const { watch } = await import('chokidar');
      this.watcher = watch(config['input.path'], {
        ignoreInitial: true,
        depth: config['input.path.walk.recursively'] ? undefined : 0,
        ignored: (path: string) => /(^|[/\\])\../.test(path.slice(config['input.path'].length)),
      });
      this.watcher.on('add', () => this.wake?.());
      this.watcher.on('change', () => this.wake?.());
    }
  }

  async poll(): Promise<SourceRecord[]> {
    if (!this.current) {
      this.current = await this.openNext();
      if (!this.current) return [];
    }
    const out: SourceRecord[] = [];
    const open = this.current;
    const size = this.config['batch.size'];
    const until = open.last.position + POLL_BYTES;
    while (out.length < size && open.last.position < until) {
      if (open.next === open.pending.length) {
        let next: IteratorResult<CsvRow[]>;
        try {
          next = await open.rows.next();
        } catch (err) {
          await this.failFile(open, (err as Error).message);
          return out;
        }
        if (next.done) {
          await this.ended(open);
          break;
        }
        open.pending = next.value;
        open.next = 0;
        continue;
      }
      const stop = Math.min(open.pending.length, open.next + size - out.length);
      for (let i = open.next; i < stop; i++)
        out.push(rowToRecord(open, open.pending[i]!, this.config, this.context.logger));
      open.next = stop;
      open.last = open.pending[stop - 1]!.end;
      open.handed = true;
    }
    return out;
  }

  /**
   * Bytes read: of the files done, and of the current one up to the last row handed out. With input.finite the
   * total is known too: the files done, the current one, those claimed before a restart and those left to claim.
   */
  inputProgress(): SourceProgress {
    const current = this.current;
    const bytesRead = this.doneBytes + (current?.last.position ?? 0);
    if (!this.config['input.finite']) return { bytesRead };
    let bytesTotal = this.doneBytes + this.waitingBytes;
    if (current) bytesTotal += Math.max(current.file.size, current.last.position);
    for (const f of this.backlog) bytesTotal += f.size;
    return { bytesRead, bytesTotal };
  }

  /**
   * After an offset commit: cleans up (moves or deletes) each file read to its end whose committed offset reached
   * its end. A crash before that finds the file still claimed and resumes it from its committed offset.
   *
   * The task learns this from committed offsets rather than from `commitRecord`: the runtime would keep every
   * record in flight alive for that call, and at 100k+ rows a second those records outlive the young generation
   * and grow the old one to several times what is live.
   */
  async commit(): Promise<void> {
    for (const d of [...this.draining.values()]) {
      const committed = await this.context.offsetReader.offset(d.partition);
      if (committed === null || Number(committed.position) < d.position) continue;
      this.draining.delete(d.partition.file);
      await this.cleanup(d.file);
    }
  }

  async stop(): Promise<void> {
    this.wake?.();
    await this.watcher?.close();
    await this.current?.rows.return(undefined);
  }

  /**
   * A file read to its end: cleaned up now if this run handed none of its rows (its committed offset is at its
   * end already), else once its offsets are committed, which the runtime is asked to do without waiting for
   * `offset.flush.interval.ms`.
   */
  private async ended(open: OpenFile): Promise<void> {
    this.current = null;
    this.doneBytes += Math.max(open.file.size, open.last.position);
    if (!open.handed) {
      await this.cleanup(open.file);
      return;
    }
    const position = open.last.position;
    this.draining.set(open.partition.file, { file: open.file, partition: open.partition, position });
    this.context.requestCommit();
  }

  /** The next file to read: one claimed before a restart, else a newly claimed one; waits a little when none. */
  private async openNext(): Promise<OpenFile | null> {
    for (;;) {
      const file = this.backlog.shift() ?? (await this.claim());
      if (!file) return null;
      try {
        const opened = await this.openFile(file);
        if (opened) return opened;
      } catch (err) {
        const reason = (err as Error).message;
        this.context.logger.error({ file: file.name, reason }, 'file cannot be read; moved to error.path');
        this.doneBytes += file.size;
        await this.spool.fail(file, reason);
      }
    }
  }

  private async claim(): Promise<ClaimedFile | null> {
    const { file, waiting, waitingBytes } = await this.spool.claimNext(Date.now(), async (candidate) => {
      if (this.readInPlace.has(candidate.path)) return true;
      const committed = await this.context.offsetReader.offset({ file: candidate.name });
      return committed !== null && Number(committed.position) >= candidate.size;
    });
    this.waitingBytes = waitingBytes;
    if (file && this.config['input.claim'] === 'offsets') this.readInPlace.add(file.path);
    if (file) return file;
    if (this.config['input.finite'] && !waiting && this.draining.size === 0) {
      throw new EndOfInputError(
        `csv source ${this.context.connectorName}: every file in ${this.config['input.path']}`,
      );
    }
    await new Promise<void>((resolve) => {
      // Every way out (timer, new file, abort) removes the abort listener: polls of an idle folder would pile them up.
      const done = () => {
        clearTimeout(timer);
        this.context.signal.removeEventListener('abort', done);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, this.config['empty.poll.wait.ms']);
      this.wake = done;
      this.context.signal.addEventListener('abort', done, { once: true });
    });
    return null;
  }

  private async openFile(file: ClaimedFile): Promise<OpenFile | null> {
    const { columns, start } = await readHeader(file.path, this.format);
    const committed = await this.context.offsetReader.offset({ file: file.name });
    const from: CsvPosition = committed
      ? { position: Number(committed.position), line: Number(committed.line), row: Number(committed.row) }
      : start;
    const fields = await this.fieldsFor(file, columns, start);
    const schema = struct(
      fields.map((f) => [f.name, schemaOf(f)] as const),
      { name: 'sluice.csv.Row' },
    );
    if (committed)
      this.context.logger.info(
        { file: file.name, line: from.line },
        'resuming file after its last committed row',
      );
    const keyFields = this.config['key.fields'];
    const build = objectBuilder<CellValue>(fields.map((f) => f.name));
    const schemaOfField = (k: string) => schema.fields?.find((f) => f.name === k)?.schema ?? null;
    return {
      file,
      fields,
      build,
      values: new Array(fields.length).fill(null),
      schema,
      partition: { file: file.name },
      fileHeaders: [
        { key: CsvHeaders.file, value: file.name, schema: Schemas.STRING },
        { key: CsvHeaders.lastModified, value: new Date(file.mtimeMs), schema: Schemas.TIMESTAMP },
      ],
      keySchema:
        keyFields.length === 0
          ? null
          : keyFields.length === 1
            ? schemaOfField(keyFields[0]!)
            : struct(keyFields.map((k) => [k, schemaOfField(k)!] as const)),
      rows: this.rowsOf(file, columns, from, fields, build),
      pending: [],
      next: 0,
      last: from,
      handed: false,
    };
  }

  /**
   * The rows of a file from `from` on: on a thread of their own or not (see {@link parseOnThread}), and when their
   * values go to the JSON converter, read straight from the bytes into its bytes where the format allows.
   */
  private rowsOf(
    file: ClaimedFile,
    columns: readonly string[],
    from: CsvPosition,
    fields: FieldSpec[],
    build: OpenFile['build'],
  ): AsyncGenerator<CsvRow[]> {
    const json = jsonRows(this.config, this.context);
    if (parseOnThread(file.size, this.config, os.loadavg()[0], os.availableParallelism()))
      return readRowsThreaded(file.path, this.format, columns, from, { fields, build, json });
    if (json && readsFast(this.format))
      return decoded(readJsonRows(file.path, this.format, columns, fields, from));
    return readRows(file.path, this.format, columns, from);
  }

  private async fieldsFor(
    file: ClaimedFile,
    columns: readonly string[],
    start: CsvPosition,
  ): Promise<FieldSpec[]> {
    const declared = this.config['value.schema'];
    if (declared) {
      return columns.map((name) => {
        const text = declared[name];
        if (text === undefined) return { name, type: 'string', nullable: true };
        const spec = parseFieldType(name, text);
        if (typeof spec === 'string') throw new Error(spec);
        return spec;
      });
    }
    const samples: (string | null)[][] = columns.map(() => []);
    const limit = this.config['schema.generation.rows'];
    let n = 0;
    const rows = readRows(file.path, this.format, columns, start);
    try {
      sampling: for await (const batch of rows) {
        for (const row of batch) {
          // The rows of the reader in this thread always have their cells.
          if (!row.ok || row.cells === null) continue;
          for (let i = 0; i < columns.length; i++) samples[i]!.push(row.cells[i] ?? null);
          if (++n >= limit) break sampling;
        }
      }
    } finally {
      await rows.return(undefined);
    }
    return columns.map((c, i) => inferField(c, samples[i]));
  }

  private async cleanup(file: ClaimedFile): Promise<void> {
    const where = await this.spool.finish(file);
    this.context.logger.info({ file: file.name, movedTo: where }, 'file done');
  }

  private async failFile(open: OpenFile, reason: string): Promise<void> {
    this.current = null;
    this.doneBytes += Math.max(open.file.size, open.last.position);
    await open.rows.return(undefined).catch(() => undefined);
    this.context.logger.error(
      { file: open.file.name, reason },
      'file cannot be read further; moved to error.path',
    );
    await this.spool.fail(open.file, reason);
  }
}

/** Rows as the reader of bytes hands them out, one batch per chunk. */
async function* decoded(batches: AsyncGenerator<RowTransfer>): AsyncGenerator<CsvRow[]> {
  for await (const t of batches) yield decodeRows(t);
}

/**
 * A poll hands out at most `batch.size` rows and about this many bytes of the file: with long rows, `batch.size`
 * rows alone could be hundreds of megabytes, held several polls deep while the runtime sends them.
 */
const POLL_BYTES = 1024 * 1024;

export const csvSource = defineSourceConnector({
  name: 'csv',
  aliases: ['CsvSource', 'com.github.jcustenborder.kafka.connect.spooldir.SpoolDirCsvSourceConnector'],
  kind: 'source',
  version: '0.1.0',
  description:
    'Reads CSV files dropped into a folder, typed by a declared or inferred schema; resumes mid-file',
  config: csvSourceConfig,
  localPaths: (c: z.output<typeof csvSourceConfig>) =>
    [c['input.path'], c['processing.path'], c['finished.path'], c['error.path']].filter(
      (p): p is string => p !== undefined,
    ),
  validate(config: z.output<typeof csvSourceConfig>) {
    if (config['input.claim'] === 'offsets' && config['cleanup.policy'] !== 'none') {
      throw new ConfigError(
        `input.claim=offsets leaves files where they are: set cleanup.policy=none (it is ${config['cleanup.policy']})`,
        { key: 'cleanup.policy' },
      );
    }
  },
  // The folder holding the test's file, read in place once, with every folder of its own in scratch.
  testInput: (file, scratch) => ({
    'input.path': file.dir,
    'input.file.pattern': file.name,
    'input.path.walk.recursively': false,
    'input.finite': true,
    'input.claim': 'offsets',
    'cleanup.policy': 'none',
    'file.minimum.age.ms': 0,
    'processing.path': join(scratch, 'processing'),
    'finished.path': join(scratch, 'finished'),
    'error.path': join(scratch, 'error'),
  }),
  taskConfigs(config: z.output<typeof csvSourceConfig>, maxTasks: number): CsvSourceTaskConfig[] {
    return Array.from({ length: maxTasks }, (_, i) => ({ ...config, 'task.id': i, 'task.count': maxTasks }));
  },
  createTask: () => new CsvSourceTask(),
});
