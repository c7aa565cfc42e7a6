import { type FSWatcher, watch } from 'chokidar';
import type { z } from 'zod';
import {
  ConfigError,
  type ConnectHeader,
  DataError,
  defineSourceConnector,
  EndOfInputError,
  optional,
  primitive,
  type Schema,
  Schemas,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
  struct,
} from '../../src/connect/index.js';
import { type CsvSourceTaskConfig, csvSourceConfig } from './config.js';
import { type CsvFormat, type CsvPosition, type CsvRow, readHeader, readRows } from './csv-reader.js';
import {
  CellError,
  type CellValue,
  convertCell,
  type FieldSpec,
  inferField,
  parseFieldType,
} from './field-types.js';
import { type ClaimedFile, SpoolDirectory } from './spool-directory.js';

/** Headers every row carries, so a consumer can trace a record to its file and line. */
export const CsvHeaders = {
  file: 'sluice.csv.file',
  line: 'sluice.csv.line',
  lastModified: 'sluice.csv.last.modified',
  reason: 'sluice.csv.error',
} as const;

interface OpenFile {
  file: ClaimedFile;
  fields: FieldSpec[];
  schema: Schema;
  rows: AsyncGenerator<CsvRow>;
  /** Offset of the last row handed out, or the resume point. */
  last: CsvPosition;
  /** The last record handed out for this file: once it is durable, a fully read file can be cleaned up. */
  lastHanded: SourceRecord | null;
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

function schemaOf(field: FieldSpec): Schema {
  const base: Record<FieldSpec['type'], Schema> = {
    string: Schemas.STRING,
    int: Schemas.INT32,
    long: Schemas.INT64,
    float: Schemas.FLOAT32,
    double: Schemas.FLOAT64,
    boolean: Schemas.BOOLEAN,
    decimal: primitive('string', { parameters: { 'sluice.type': 'decimal' } }),
    date: Schemas.DATE,
    timestamp: Schemas.TIMESTAMP,
  };
  return field.nullable ? optional(base[field.type]) : base[field.type];
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
  /** Files read to the end, keyed by their last record, waiting for it to be durable before cleanup. */
  private draining = new Map<string, ClaimedFile>();
  /** Per file, the position of the last record the runtime reported durable. */
  private durable = new Map<string, number>();
  private watcher: FSWatcher | null = null;
  /** With input.claim=offsets, the files this run has opened (they stay where they are). */
  private readonly readInPlace = new Set<string>();
  private wake: (() => void) | null = null;

  async start(config: CsvSourceTaskConfig, context: SourceTaskContext): Promise<void> {
    this.config = config;
    this.context = context;
    this.format = formatOf(config);
    this.spool = new SpoolDirectory(config);
    await this.spool.init();
    this.backlog = await this.spool.claimedBefore();
    if (!config['input.finite']) {
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
    while (out.length < this.config['batch.size']) {
      let next: IteratorResult<CsvRow>;
      try {
        next = await open.rows.next();
      } catch (err) {
        await this.failFile(open, (err as Error).message);
        return out;
      }
      if (next.done) {
        this.current = null;
        // Clean up (move or delete) only when every row of the file is durable in the log: a crash before that
        // finds the file still claimed and resumes it from its committed offset.
        const last = out[out.length - 1] ?? open.lastHanded;
        const durable = this.durable.get(open.file.name) ?? -1;
        if (!last || (out.length === 0 && durable >= Number(last.sourceOffset.position)))
          await this.cleanup(open.file);
        else this.draining.set(recordKey(last), open.file);
        this.durable.delete(open.file.name);
        break;
      }
      const record = this.toRecord(open, next.value);
      open.last = next.value.end;
      open.lastHanded = record;
      out.push(record);
    }
    return out;
  }

  async commitRecord(record: SourceRecord): Promise<void> {
    const name = String(record.sourcePartition.file);
    if (this.current?.file.name === name) {
      this.durable.set(name, Math.max(this.durable.get(name) ?? -1, Number(record.sourceOffset.position)));
    }
    const file = this.draining.get(recordKey(record));
    if (!file) return;
    this.draining.delete(recordKey(record));
    await this.cleanup(file);
  }

  async stop(): Promise<void> {
    this.wake?.();
    await this.watcher?.close();
    await this.current?.rows.return(undefined);
  }

  private toRecord(open: OpenFile, row: CsvRow): SourceRecord {
    const c = this.config;
    const sourcePartition = { file: open.file.name };
    const sourceOffset = { position: row.end.position, line: row.end.line, row: row.end.row };
    const headers: ConnectHeader[] = [
      { key: CsvHeaders.file, value: open.file.name, schema: Schemas.STRING },
      { key: CsvHeaders.line, value: row.line, schema: Schemas.INT64 },
      { key: CsvHeaders.lastModified, value: new Date(open.file.mtimeMs), schema: Schemas.TIMESTAMP },
    ];
    let reason: string | undefined;
    let value: Record<string, CellValue> | undefined;
    if (row.ok) {
      try {
        value = {};
        for (const f of open.fields) value[f.name] = convertCell(f, row.cells[f.name] ?? null);
      } catch (err) {
        if (!(err instanceof CellError)) throw err;
        reason = err.message;
      }
    } else {
      reason = row.reason;
    }
    if (reason !== undefined || value === undefined) {
      const why = `${open.file.name} line ${row.line}: ${reason}`;
      if (c['errors.tolerance'] === 'none')
        throw new DataError(`${why} (errors.tolerance=none stops the task)`);
      this.context.logger.warn(
        { file: open.file.name, line: row.line, reason },
        'bad row sent to the dead-letter topic',
      );
      return {
        topic: c['errors.deadletterqueue.topic.name'] ?? `${c.topic}-dlq`,
        key: null,
        value: row.ok ? Object.values(row.cells).join(c['csv.separator.char']) : row.raw,
        valueSchema: Schemas.STRING,
        headers: [...headers, { key: CsvHeaders.reason, value: reason ?? 'unknown', schema: Schemas.STRING }],
        sourcePartition,
        sourceOffset,
      };
    }
    const keyFields = c['key.fields'];
    const key =
      keyFields.length === 0
        ? null
        : keyFields.length === 1
          ? value[keyFields[0]]
          : Object.fromEntries(keyFields.map((k) => [k, value[k]]));
    const keySchema =
      keyFields.length === 0
        ? null
        : keyFields.length === 1
          ? (open.schema.fields?.find((f) => f.name === keyFields[0])?.schema ?? null)
          : struct(keyFields.map((k) => [k, open.schema.fields!.find((f) => f.name === k)!.schema] as const));
    return {
      topic: c.topic,
      key,
      keySchema,
      value,
      valueSchema: open.schema,
      headers,
      sourcePartition,
      sourceOffset,
    };
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
        await this.spool.fail(file, reason);
      }
    }
  }

  private async claim(): Promise<ClaimedFile | null> {
    const { file, waiting } = await this.spool.claimNext(Date.now(), async (candidate) => {
      if (this.readInPlace.has(candidate.path)) return true;
      const committed = await this.context.offsetReader.offset({ file: candidate.name });
      return committed !== null && Number(committed.position) >= candidate.size;
    });
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
    return {
      file,
      fields,
      schema,
      rows: readRows(file.path, this.format, columns, from),
      last: from,
      lastHanded: null,
    };
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
      for await (const row of rows) {
        if (!row.ok) continue;
        columns.forEach((c, i) => {
          samples[i].push(row.cells[c]);
        });
        if (++n >= limit) break;
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
    await open.rows.return(undefined).catch(() => undefined);
    this.context.logger.error(
      { file: open.file.name, reason },
      'file cannot be read further; moved to error.path',
    );
    await this.spool.fail(open.file, reason);
  }
}

function recordKey(record: SourceRecord): string {
  return `${record.sourcePartition.file}\u0000${record.sourceOffset.position}`;
}

export const csvSource = defineSourceConnector({
  name: 'csv',
  aliases: ['CsvSource', 'com.github.jcustenborder.kafka.connect.spooldir.SpoolDirCsvSourceConnector'],
  kind: 'source',
  version: '0.1.0',
  description:
    'Reads CSV files dropped into a folder, typed by a declared or inferred schema; resumes mid-file',
  config: csvSourceConfig,
  validate(config: z.output<typeof csvSourceConfig>) {
    if (config['input.claim'] === 'offsets' && config['cleanup.policy'] !== 'none') {
      throw new ConfigError(
        `input.claim=offsets leaves files where they are: set cleanup.policy=none (it is ${config['cleanup.policy']})`,
        { key: 'cleanup.policy' },
      );
    }
  },
  taskConfigs(config: z.output<typeof csvSourceConfig>, maxTasks: number): CsvSourceTaskConfig[] {
    return Array.from({ length: maxTasks }, (_, i) => ({ ...config, 'task.id': i, 'task.count': maxTasks }));
  },
  createTask: () => new CsvSourceTask(),
});
