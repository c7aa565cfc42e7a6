import type pg from 'pg';
import type { z } from 'zod';
import {
  DataError,
  defineSinkConnector,
  RetriableError,
  type SinkRecord,
  type SinkTask,
  type SinkTaskContext,
  type TopicPartition,
  type TopicPartitionOffset,
} from '../../src/connect/index.js';
import { type SinkConfig, sinkConfig, validateSink } from './config.js';
import { closeQuietly, connect, describeUrl, isTransient } from './connection.js';
import { type TableId, tableName } from './identifiers.js';
import { type NeededColumn, neededColumns } from './needed-columns.js';
import { type RowChange, rowChange } from './record-rows.js';
import { partitionKey, SinkOffsetStore } from './sink-offsets.js';
import { StageTables } from './stage-tables.js';
import { type NewColumn, TableCatalog, type TableInfo } from './table-catalog.js';
import { TableWriter } from './table-writer.js';

/** Consecutive changes of one kind to one table: applied together, in record order relative to other runs. */
interface Run {
  table: TableId;
  kind: RowChange['kind'];
  changes: RowChange[];
}

/**
 * Writes records to PostgreSQL tables. Each `put` is one transaction; with `exactly.once` (the default) the
 * transaction also records the next offset of every partition it wrote, so a crash at any point leaves rows and
 * offsets in agreement. On (re)connect the task reads those offsets back, seeks its partitions to them, and drops
 * any redelivered record below them: no row is written twice, even in insert mode.
 */
export class PostgresSinkTask implements SinkTask<SinkConfig> {
  private config!: SinkConfig;
  private context!: SinkTaskContext;
  private client: pg.Client | undefined;
  private schema = 'public';
  private readonly catalog = new TableCatalog();
  private readonly stages = new StageTables();
  private offsets!: SinkOffsetStore;
  /** Next offset to write per partition, as stored in the database. */
  private next = new Map<string, number>();
  private failures = 0;

  async start(config: SinkConfig, context: SinkTaskContext): Promise<void> {
    this.config = config;
    this.context = context;
  }

  async open(partitions: TopicPartition[]): Promise<void> {
    try {
      await this.ready();
      this.seek(partitions);
    } catch (error) {
      // put() connects again, and drops redelivered records by the stored offsets.
      this.context.logger.warn({ err: error }, 'cannot read stored offsets yet; will retry on the next put');
      await this.disconnect();
    }
  }

  async put(records: SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.ready();
      await this.write(records);
      this.failures = 0;
    } catch (error) {
      await this.client?.query('ROLLBACK').catch(() => {});
      this.catalog.forget();
      this.stages.forget();
      if (!isTransient(error)) throw error;
      await this.disconnect();
      this.failures++;
      if (this.failures > this.config['max.retries']) throw error;
      const delayMs = Math.min(30_000, this.config['retry.backoff.ms'] * 2 ** (this.failures - 1));
      throw new RetriableError(
        `writing to ${describeUrl(this.config['connection.url'])} failed (attempt ${this.failures} of ` +
          `${this.config['max.retries']}): ${(error as Error).message}; retrying in ${delayMs} ms`,
        { delayMs, cause: error },
      );
    }
  }

  /** Every `put` committed its own transaction, so there is nothing left to make durable. */
  async flush(_offsets: TopicPartitionOffset[]): Promise<void> {}

  async stop(): Promise<void> {
    await this.disconnect();
  }

  private async ready(): Promise<pg.Client> {
    if (this.client) return this.client;
    const c = this.config;
    const client = await connect({
      url: c['connection.url'],
      user: c['connection.user'],
      password: c['connection.password'],
      applicationName: `sluice ${this.context.connectorName}-${this.context.taskId}`,
    });
    try {
      this.schema = (await client.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
      this.offsets = new SinkOffsetStore(
        { schema: this.schema, table: c['offsets.table.name'] },
        this.context.connectorName,
        (topic) => tableName(this.tableOf(topic)),
      );
      if (c['exactly.once']) {
        await this.offsets.ensureTable(client);
        this.next = await this.offsets.load(client);
        this.seek(this.context.assignment());
      }
    } catch (error) {
      await closeQuietly(client);
      throw error;
    }
    this.client = client;
    return client;
  }

  private seek(partitions: TopicPartition[]): void {
    for (const tp of partitions) {
      const next = this.next.get(partitionKey(tp.topic, tp.partition));
      if (next !== undefined) this.context.seek(tp, next);
    }
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.stages.forget();
    await closeQuietly(client);
  }

  private async write(records: SinkRecord[]): Promise<void> {
    const exactlyOnce = this.config['exactly.once'];
    const fresh = exactlyOnce
      ? records.filter((r) => r.kafkaOffset >= (this.next.get(partitionKey(r.topic, r.kafkaPartition)) ?? 0))
      : records;
    if (fresh.length === 0) return;
    const written = new Map<string, number>();
    for (const r of fresh) written.set(partitionKey(r.topic, r.kafkaPartition), r.kafkaOffset + 1);
    const client = this.client!;
    await client.query('BEGIN');
    this.stages.begin();
    for (const run of this.runs(fresh)) await this.apply(client, run);
    if (exactlyOnce) await this.offsets.save(client, written);
    await client.query('COMMIT');
    for (const [key, offset] of written) this.next.set(key, offset);
  }

  private runs(records: SinkRecord[]): Run[] {
    const runs: Run[] = [];
    for (const record of records) {
      const change = rowChange(record, this.config);
      if (!change) continue;
      const table = this.tableOf(record.topic);
      const last = runs[runs.length - 1];
      if (last && last.table.table === table.table && last.kind === change.kind) last.changes.push(change);
      else runs.push({ table, kind: change.kind, changes: [change] });
    }
    return runs;
  }

  /** The table records of `topic` go to (`table.name.format`, in the connection's current schema). */
  private tableOf(topic: string): TableId {
    return { schema: this.schema, table: this.config['table.name.format'].replaceAll('${topic}', topic) };
  }

  private async apply(client: pg.Client, run: Run): Promise<void> {
    const mentioned = columnNames(run.changes);
    const info = await this.prepareTable(client, run, mentioned);
    const writer = new TableWriter(client, info, this.config['batch.size'], this.stages);
    const rows = run.changes.map((c) => c.values);
    const key = run.changes[0]!.key.length > 0 ? run.changes[0]!.key : info.primaryKey;
    if (run.kind === 'delete') return writer.delete(key, rows);
    // A column the table lacks here is one whose values are all null, left for auto.evolve to add once typed.
    const columns = mentioned.filter((c) => info.columns.has(c));
    const mode = this.config['insert.mode'];
    if (mode === 'upsert') return writer.upsert(columns, key, rows);
    if (mode === 'update') return writer.update(columns, key, rows);
    return writer.copy(columns, rows);
  }

  /**
   * The table's description, after creating it or adding columns as auto.create and auto.evolve allow. A column
   * whose values so far are all null (and untyped by a schema) is created as text when the table cannot evolve;
   * with auto.evolve it waits, and is added with the type of the first value that arrives.
   */
  private async prepareTable(client: pg.Client, run: Run, mentioned: string[]): Promise<TableInfo> {
    const c = this.config;
    let info = await this.catalog.describe(client, run.table);
    // Typing columns looks at every value; it is needed only when the table lacks some (the rare case).
    if (info && mentioned.every((col) => info!.columns.has(col))) return info;
    const typed = (col: NeededColumn): col is NewColumn => col.type !== null;
    const needed = neededColumns(run.changes).map((col) =>
      col.type === null && (!c['auto.evolve'] || col.notNull) ? { ...col, type: 'text' } : col,
    );
    if (!info) {
      if (!c['auto.create'] || run.kind === 'delete') {
        throw new DataError(
          `table ${tableName(run.table)} does not exist; create it or set auto.create=true`,
        );
      }
      await this.catalog.create(client, run.table, needed.filter(typed), run.changes[0]!.key);
      info = (await this.catalog.describe(client, run.table))!;
    }
    const missing = needed.filter((col) => !info!.columns.has(col.name));
    if (missing.length > 0 && !c['auto.evolve']) {
      const names = missing.map((m) => JSON.stringify(m.name)).join(', ');
      throw new DataError(
        `table ${tableName(run.table)} has no column ${names}; add it or set auto.evolve=true`,
      );
    }
    const adds = missing.filter(typed);
    if (adds.length > 0) {
      await this.catalog.addColumns(client, run.table, adds);
      info = (await this.catalog.describe(client, run.table))!;
    }
    return info;
  }
}

/** Every column any of the changes mentions, in first-seen order. */
function columnNames(changes: readonly RowChange[]): string[] {
  const names = new Set<string>();
  for (const change of changes) for (const name in change.values) names.add(name);
  return [...names];
}

/** `postgres-sink` — Confluent's JDBC sink connector's job, for PostgreSQL, exactly once by default. */
export const postgresSink = defineSinkConnector({
  name: 'postgres-sink',
  aliases: ['PostgresSink', 'io.confluent.connect.jdbc.JdbcSinkConnector'],
  kind: 'sink',
  version: '0.1.0',
  description: 'Writes topics to PostgreSQL tables (insert, upsert, update, delete), exactly once by default',
  config: sinkConfig,
  validate: validateSink,
  taskConfigs(config: z.output<typeof sinkConfig>, maxTasks: number): SinkConfig[] {
    return Array.from({ length: Math.max(1, maxTasks) }, () => ({ ...config }));
  },
  createTask: () => new PostgresSinkTask(),
});
