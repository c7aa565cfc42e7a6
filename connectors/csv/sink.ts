import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { z } from 'zod';
import {
  DataError,
  defineSinkConnector,
  type SinkRecord,
  type SinkTask,
  type SinkTaskContext,
  type TopicPartition,
  type TopicPartitionOffset,
} from '../../src/connect/index.js';
import { type CsvSinkConfig, csvSinkConfig } from './config.js';
import { type FieldSpec, formatTemporal, parseFieldType } from './field-types.js';
import { RowFormatter } from './row-formatter.js';

const TEMP_SUFFIX = '.csv.tmp';

interface OpenCsvFile {
  tmp: string;
  final: string;
  handle: FileHandle;
  columns: string[];
  /** Per column, how a date or timestamp column's value becomes its text; undefined when the file has none. */
  temporal: (FieldSpec | undefined)[] | undefined;
  /** A record's row, when the file has no date or timestamp column (see {@link RowFormatter.compile}). */
  format: (row: Readonly<Record<string, unknown>>) => string;
  rows: number;
  bytes: number;
  openedAt: number;
}

/** `orders+0+00000000000000001000.csv`: topic, partition and the offset of the file's first record. */
export function csvFileName(topic: string, partition: number, startOffset: number): string {
  return `${topic}+${partition}+${String(startOffset).padStart(20, '0')}.csv`;
}

/** Files retired at one commit point, and the offsets that become committable once they are all in place. */
interface Retired {
  offsets: TopicPartitionOffset[];
  done: Promise<void>;
  /** How many files must have been completed (counting from the start) for these offsets to be committable. */
  files: number;
}

/** Commit points whose files may still be completing before `preCommit` waits for the oldest. */
const MAX_RETIRING = 2;

/**
 * Writes each topic-partition to a sequence of CSV files. A file is written under a temporary name and renamed when
 * complete (rolled by rows, bytes or time, and at every commit), so readers never see half a file. Completing a file
 * (fsync, rename, fsync of the directory) runs in the background, one file after another, while records go on into
 * the next file; `preCommit` returns only the offsets whose files are all in place, and `flush` waits for every
 * file, so the offsets the runtime commits cover complete files only. Since every commit point starts new files, a
 * file is named after its first offset: after a crash, redelivered records rewrite the same file, not a copy.
 */
export class CsvSinkTask implements SinkTask<CsvSinkConfig> {
  private config!: CsvSinkConfig;
  private formatter!: RowFormatter;
  private files = new Map<string, OpenCsvFile>();
  /** The date and timestamp columns of value.schema, by name. */
  private temporal = new Map<string, FieldSpec>();
  /** Completions in order: each file is fsynced and renamed after the ones retired before it. */
  private completing: Promise<void> = Promise.resolve();
  private retiring: Retired[] = [];
  private retired = 0;
  private completed = 0;
  private failure: unknown;

  async start(config: CsvSinkConfig, _context: SinkTaskContext): Promise<void> {
    this.config = config;
    this.formatter = new RowFormatter(
      config['csv.separator.char'],
      config['csv.quote.char'],
      config['csv.null.value'],
    );
    this.temporal.clear();
    for (const [name, text] of Object.entries(config['value.schema'] ?? {})) {
      const spec = parseFieldType(name, text);
      if (typeof spec === 'string') throw new DataError(`csv-sink value.schema: ${spec}`);
      if (spec.type === 'date' || spec.type === 'timestamp') this.temporal.set(name, spec);
    }
    await mkdir(config['output.path'], { recursive: true });
    // Temporary files of a previous run hold rows whose offsets were never committed: they will be redelivered.
    for (const name of await readdir(config['output.path'])) {
      if (name.endsWith(TEMP_SUFFIX)) await unlink(join(config['output.path'], name));
    }
  }

  async put(records: SinkRecord[]): Promise<void> {
    const c = this.config;
    // The text of each file's new rows, written in one piece per file and put.
    const byFile = new Map<string, { file: OpenCsvFile; text: string }>();
    // A batch mostly holds one partition: its key is built once, not per record.
    let tp = '';
    let topic: string | undefined;
    let partition = -1;
    for (const record of records) {
      if (record.topic !== topic || record.kafkaPartition !== partition) {
        topic = record.topic;
        partition = record.kafkaPartition;
        tp = `${topic}\u0000${partition}`;
      }
      let file = this.files.get(tp);
      if (file && this.due(file)) {
        await this.flushPending(byFile, tp);
        this.retire(tp, file);
        file = undefined;
      }
      const value = record.value;
      if (value === null || value === undefined) continue; // a tombstone has no row
      if (typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) {
        throw new DataError(
          `record ${record.topic}-${record.kafkaPartition}@${record.kafkaOffset}: a CSV row needs an object value, got ${Array.isArray(value) ? 'an array' : typeof value}`,
        );
      }
      const row = value as Record<string, unknown>;
      if (!file) {
        file = await this.openFile(record, row);
        this.files.set(tp, file);
      }
      let pending = byFile.get(tp);
      if (!pending) byFile.set(tp, (pending = { file, text: '' }));
      pending.text += file.temporal
        ? this.formatter.row(temporalRow(row, file.columns, file.temporal))
        : file.format(row);
      file.rows += 1;
      if (c['rotate.rows'] > 0 && file.rows >= c['rotate.rows']) {
        await this.flushPending(byFile, tp);
        this.retire(tp, file);
      }
    }
    for (const tp of [...byFile.keys()]) await this.flushPending(byFile, tp);
  }

  async flush(_offsets: TopicPartitionOffset[]): Promise<void> {
    for (const [tp, file] of [...this.files]) this.retire(tp, file);
    await this.completing;
    this.retiring = [];
    this.throwIfFailed();
  }

  /** Retires the open files as one commit point; returns the offsets of the latest point whose files are in place. */
  async preCommit(offsets: TopicPartitionOffset[]): Promise<TopicPartitionOffset[]> {
    this.throwIfFailed();
    for (const [tp, file] of [...this.files]) this.retire(tp, file);
    this.retiring.push({ offsets, done: this.completing, files: this.retired });
    let durable: TopicPartitionOffset[] = [];
    // Bounded: when the disk falls behind, delivery waits for it rather than piling up files.
    while (this.retiring.length > MAX_RETIRING) {
      const oldest = this.retiring.shift()!;
      await oldest.done;
      durable = oldest.offsets;
    }
    while (this.retiring.length > 0 && this.retiring[0]!.files <= this.completed)
      durable = this.retiring.shift()!.offsets;
    this.throwIfFailed();
    return durable;
  }

  async close(partitions: TopicPartition[]): Promise<void> {
    for (const p of partitions) {
      const tp = `${p.topic}\u0000${p.partition}`;
      const file = this.files.get(tp);
      // Not flushed: abandon it; the records are redelivered to whoever owns the partition next.
      if (file) {
        this.files.delete(tp);
        await file.handle.close();
        await unlink(file.tmp).catch(() => undefined);
      }
    }
  }

  async stop(): Promise<void> {
    await this.completing;
    for (const [tp, file] of [...this.files]) {
      this.files.delete(tp);
      await file.handle.close();
    }
  }

  private due(file: OpenCsvFile): boolean {
    const c = this.config;
    return (
      (c['rotate.bytes'] > 0 && file.bytes >= c['rotate.bytes']) ||
      (c['rotate.interval.ms'] > 0 && Date.now() - file.openedAt >= c['rotate.interval.ms'])
    );
  }

  private async openFile(record: SinkRecord, row: Record<string, unknown>): Promise<OpenCsvFile> {
    const c = this.config;
    const declared = c['value.schema'] ? Object.keys(c['value.schema']) : undefined;
    const columns = c['csv.columns'].length
      ? c['csv.columns']
      : (declared ?? record.valueSchema?.fields?.map((f) => f.name) ?? Object.keys(row));
    const temporal = columns.some((col) => this.temporal.has(col))
      ? columns.map((col) => this.temporal.get(col))
      : undefined;
    const final = join(
      c['output.path'],
      csvFileName(record.topic, record.kafkaPartition, record.kafkaOffset),
    );
    const tmp = final.replace(/\.csv$/, TEMP_SUFFIX);
    const handle = await open(tmp, 'w');
    const file: OpenCsvFile = {
      tmp,
      final,
      handle,
      columns,
      temporal,
      format: this.formatter.compile(columns),
      rows: 0,
      bytes: 0,
      openedAt: Date.now(),
    };
    if (c['csv.header']) await this.write(file, this.formatter.row(columns));
    return file;
  }

  private async flushPending(
    byFile: Map<string, { file: OpenCsvFile; text: string }>,
    tp: string,
  ): Promise<void> {
    const pending = byFile.get(tp);
    if (!pending || pending.text === '') return;
    byFile.delete(tp);
    await this.write(pending.file, pending.text);
  }

  private async write(file: OpenCsvFile, text: string): Promise<void> {
    const buf = Buffer.from(text);
    await file.handle.write(buf, 0, buf.length, file.bytes);
    file.bytes += buf.length;
  }

  /** Takes the file out of use and queues its completion; a failure is thrown by the next commit or flush. */
  private retire(tp: string, file: OpenCsvFile): void {
    this.files.delete(tp);
    this.retired += 1;
    this.completing = this.completing.then(() =>
      this.failure === undefined
        ? this.complete(file).then(
            () => void (this.completed += 1),
            (err: unknown) => void (this.failure = err),
          )
        : file.handle.close().catch(() => undefined),
    );
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private async complete(file: OpenCsvFile): Promise<void> {
    await file.handle.sync();
    await file.handle.close();
    await rename(file.tmp, file.final);
    const dir = await open(this.config['output.path'], 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

/** A row's cells in column order, date and timestamp columns as the text of their declared type. */
function temporalRow(
  row: Readonly<Record<string, unknown>>,
  columns: readonly string[],
  temporal: readonly (FieldSpec | undefined)[],
): unknown[] {
  const cells = new Array<unknown>(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const value = row[columns[i]!];
    const spec = temporal[i];
    cells[i] = spec ? formatTemporal(spec, value) : value;
  }
  return cells;
}

export const csvSink = defineSinkConnector({
  name: 'csv-sink',
  aliases: ['CsvSink'],
  kind: 'sink',
  version: '0.1.0',
  description: 'Writes each topic-partition as complete CSV files, renamed into place only when whole',
  config: csvSinkConfig,
  localPaths: (c: z.output<typeof csvSinkConfig>) => [c['output.path']],
  testOutput: (dir) => ({ 'output.path': dir }),
  outputFields(line: string, header: string, c: z.output<typeof csvSinkConfig>) {
    if (!c['csv.header']) return undefined;
    const options = {
      delimiter: c['csv.separator.char'],
      quote: c['csv.quote.char'],
      relax_column_count: true,
    };
    try {
      const [names] = parseCsv(header, options) as string[][];
      const [cells] = parseCsv(line, options) as string[][];
      if (!names || !cells) return undefined;
      return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? null]));
    } catch {
      return undefined;
    }
  },
  taskConfigs(config: z.output<typeof csvSinkConfig>, maxTasks: number): CsvSinkConfig[] {
    return Array.from({ length: maxTasks }, () => config);
  },
  createTask: () => new CsvSinkTask(),
});
