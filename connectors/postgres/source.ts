import type pg from 'pg';
import type { z } from 'zod';
import {
  defineSourceConnector,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
} from '../../src/connect/index.js';
import { type QuerySourceTaskConfig, querySourceConfig, validateQuerySource } from './config.js';
import { asTaskError, closeQuietly, connect, describeUrl } from './connection.js';
import { CopyJsonRows } from './copy-json.js';
import { CopyRows, startCopy } from './copy-rows.js';
import { matchesAny, type TableId, tableName } from './identifiers.js';
import { type QueryOffset, TableQuery } from './table-query.js';

interface OpenRead {
  query: TableQuery;
  /** Row objects; or, when values go straight to the JSON converter, each row's JSON. */
  rows: CopyRows | CopyJsonRows;
}

/**
 * Reads tables (or one query) as a COPY stream, a batch per poll, so a table of any size streams through in bounded
 * memory. Each table is a source partition `{ table: 'schema.table' }` (or `{ query }`), its offset the last id
 * and/or timestamp read; see {@link TableQuery} for why no committed row is skipped.
 */
export class QuerySourceTask implements SourceTask<QuerySourceTaskConfig> {
  private config!: QuerySourceTaskConfig;
  private context!: SourceTaskContext;
  private client: pg.Client | undefined;
  private queries: TableQuery[] | undefined;
  private readonly dueAt = new Map<TableQuery, number>();
  private open: OpenRead | undefined;

  async start(config: QuerySourceTaskConfig, context: SourceTaskContext): Promise<void> {
    this.config = config;
    this.context = context;
  }

  async poll(): Promise<SourceRecord[]> {
    try {
      if (!this.client) this.client = await this.connect();
      this.queries ??= await this.discover(this.client);
      if (!this.open) {
        const due = await this.nextDue();
        if (!due) return [];
        const copy = await startCopy(this.client, due.build(true).text);
        const json = this.context.valueFormat === 'json' && CopyJsonRows.handles(copy.names);
        this.open = {
          query: due,
          rows: json ? CopyJsonRows.from(copy, due.offsetColumns) : CopyRows.from(copy),
        };
      }
      return await this.readBatch(this.open!);
    } catch (error) {
      await this.reset();
      throw asTaskError(error, `reading ${describeUrl(this.config['connection.url'])}`);
    }
  }

  async stop(): Promise<void> {
    await this.reset();
  }

  private async readBatch(open: OpenRead): Promise<SourceRecord[]> {
    const batch = this.config['batch.max.rows'];
    const { query, rows } = open;
    const topic = query.table
      ? `${this.config['topic.prefix']}${query.table.table}`
      : this.config['topic.prefix'];
    const partition = query.partition;
    let records: SourceRecord[];
    if (rows instanceof CopyRows) {
      records = (await rows.read(batch)).map((row): SourceRecord => {
        const sourceOffset = query.advance(row);
        return { topic, key: null, value: row, sourcePartition: partition, sourceOffset };
      });
    } else {
      const { values, kept } = await rows.read(batch);
      records = new Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const sourceOffset = query.advanceKept(kept, i);
        records[i] = { topic, key: null, value: values[i], sourcePartition: partition, sourceOffset };
      }
    }
    if (records.length < batch) {
      this.open = undefined;
      this.dueAt.set(query, Date.now() + this.config['poll.interval.ms']);
    }
    return records;
  }

  /** The query whose turn it is, or undefined after waiting (at most a second) for one to come due. */
  private async nextDue(): Promise<TableQuery | undefined> {
    let first: TableQuery | undefined;
    let at = Number.POSITIVE_INFINITY;
    for (const q of this.queries ?? []) {
      const t = this.dueAt.get(q) ?? 0;
      if (t < at) [first, at] = [q, t];
    }
    const wait = Math.min(at - Date.now(), 1000);
    if (first && wait <= 0) return first;
    await sleep(wait, this.context.signal);
    return undefined;
  }

  private connect(): Promise<pg.Client> {
    return connect({
      url: this.config['connection.url'],
      user: this.config['connection.user'],
      password: this.config['connection.password'],
      applicationName: `sluice ${this.context.connectorName}-${this.context.taskId}`,
    });
  }

  /** This task's share of the matching tables, each with its committed offset. */
  private async discover(client: pg.Client): Promise<TableQuery[]> {
    const c = this.config;
    if (c.query !== undefined) {
      const partition = { query: c.query };
      const offset = (await this.context.offsetReader.offset(partition)) as QueryOffset | null;
      return [new TableQuery(c, undefined, partition, offset)];
    }
    const { rows } = await client.query<{ schema: string; table: string }>(
      `SELECT n.nspname AS schema, c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
         AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' ORDER BY 1, 2`,
    );
    const schemaPattern = c['schema.pattern'];
    const tables = rows.filter((t: TableId) => {
      const name = tableName(t);
      if (schemaPattern !== undefined && !new RegExp(`^(?:${schemaPattern})$`).test(t.schema)) return false;
      if (c['table.include.list'].length > 0 && !matchesAny(name, c['table.include.list'])) return false;
      return !matchesAny(name, c['table.exclude.list']);
    });
    const mine = tables.filter((_, i) => i % c['task.count'] === c['task.id']);
    if (mine.length === 0) this.context.logger.warn('no table matches table.include.list for this task');
    return Promise.all(
      mine.map(async (t) => {
        const partition = { table: tableName(t) };
        const offset = (await this.context.offsetReader.offset(partition)) as QueryOffset | null;
        return new TableQuery(c, t, partition, offset);
      }),
    );
  }

  private async reset(): Promise<void> {
    const open = this.open;
    this.open = undefined;
    // A COPY cut short leaves the connection mid-stream: it is closed below, never reused.
    open?.rows.close();
    const client = this.client;
    this.client = undefined;
    await closeQuietly(client);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** `postgres` — Confluent's JDBC source connector's job, for PostgreSQL, without losing late commits. */
export const postgresSource = defineSourceConnector({
  name: 'postgres',
  aliases: ['PostgresSource', 'io.confluent.connect.jdbc.JdbcSourceConnector'],
  kind: 'source',
  version: '0.1.0',
  description: 'Reads PostgreSQL tables or a query, in bulk or incrementally by id and/or timestamp',
  config: querySourceConfig,
  validate: validateQuerySource,
  taskConfigs(config: z.output<typeof querySourceConfig>, maxTasks: number): QuerySourceTaskConfig[] {
    const count = config.query === undefined ? Math.max(1, maxTasks) : 1;
    return Array.from({ length: count }, (_, i) => ({ ...config, 'task.id': i, 'task.count': count }));
  },
  createTask: () => new QuerySourceTask(),
});
