import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { quoteIdent, quoteTable } from './identifiers.js';
import { pgCopyStreams } from './pg-modules.js';
import { copyField, toPgText } from './sink-values.js';
import type { StageTables } from './stage-tables.js';
import type { TableInfo } from './table-catalog.js';

/** PostgreSQL accepts at most this many parameters in one statement. */
const MAX_PARAMETERS = 65535;

type Row = Record<string, unknown>;

/** Rows per write of a COPY: tens of kilobytes, well under a socket buffer. */
const COPY_CHUNK_ROWS = 256;

/**
 * Writes rows into one table, inside the caller's transaction. Identifiers are quoted and values are parameters
 * (or COPY data), each cast to its column's type; nothing from a record is ever spliced into SQL text.
 */
export class TableWriter {
  constructor(
    private readonly client: pg.Client,
    private readonly table: TableInfo,
    private readonly batchSize: number,
    private readonly stages: StageTables,
  ) {}

  private text(row: Row, column: string): string | null {
    return toPgText(row[column], this.table.columns.get(column)!);
  }

  private cast(column: string): string {
    return this.table.columns.get(column)!.cast;
  }

  /** Plain inserts through `COPY ... FROM STDIN` in text format: the fastest way in, and no SQL at all. */
  async copy(columns: string[], rows: Row[]): Promise<void> {
    await this.copyInto(quoteTable(this.table.id), columns, rows);
  }

  /** COPY's text format of `rows` into `target` (a quoted name): every value as its column's text input. */
  private async copyInto(target: string, columns: readonly string[], rows: readonly Row[]): Promise<void> {
    const stream = this.client.query(
      pgCopyStreams().from(`COPY ${target} (${columns.map(quoteIdent).join(', ')}) FROM STDIN`),
    );
    const types = columns.map((c) => this.table.columns.get(c)!);
    const last = columns.length - 1;
    // Small writes, so the server parses one chunk while the next is built (the two overlap on two cores).
    for (let i = 0; i < rows.length; i += COPY_CHUNK_ROWS) {
      let chunk = '';
      const end = Math.min(rows.length, i + COPY_CHUNK_ROWS);
      for (let r = i; r < end; r++) {
        const row = rows[r]!;
        for (let c = 0; c <= last; c++) {
          chunk += copyField(toPgText(row[columns[c]!], types[c]!));
          chunk += c === last ? '\n' : '\t';
        }
      }
      if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve));
    }
    stream.end();
    await finished(stream);
  }

  /**
   * `INSERT ... ON CONFLICT (key) DO UPDATE` of a batch: its rows are copied into a temporary stage and merged
   * with one `INSERT ... SELECT` (Kafka Connect's JDBC sink in upsert mode, in two statements whatever the batch
   * size). Of several rows with one key in a batch the last wins, as there: ON CONFLICT cannot change a row twice
   * in one statement, so only each key's last row is staged. Keys are compared by their text, as PostgreSQL
   * reads them.
   */
  async upsert(columns: string[], key: string[], rows: Row[]): Promise<void> {
    const keyTypes = key.map((k) => this.table.columns.get(k)!);
    // A row's key as one string: text values never hold a NUL, so joining on it is unambiguous.
    const keyOf = (row: Row) =>
      key.length === 1
        ? toPgText(row[key[0]!], keyTypes[0]!)
        : key.map((k, i) => toPgText(row[k], keyTypes[i]!)).join('\0');
    const last = new Map<string | null, number>();
    for (let i = 0; i < rows.length; i++) last.set(keyOf(rows[i]!), i);
    const latest = last.size === rows.length ? rows : rows.filter((row, i) => last.get(keyOf(row)) === i);
    const stage = await this.stages.stage(this.client, this.table, columns);
    await this.copyInto(stage, columns, latest);
    const names = columns.map(quoteIdent).join(', ');
    const others = columns.filter((c) => !key.includes(c));
    const action =
      others.length === 0
        ? 'DO NOTHING'
        : `DO UPDATE SET ${others.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', ')}`;
    await this.client.query(
      `INSERT INTO ${quoteTable(this.table.id)} (${names}) SELECT ${names} FROM ${stage}
         ON CONFLICT (${key.map(quoteIdent).join(', ')}) ${action}`,
    );
  }

  /** `UPDATE ... SET ... WHERE key = ...`, one statement per row (rows may change different columns). */
  async update(columns: string[], key: string[], rows: Row[]): Promise<void> {
    const others = columns.filter((c) => !key.includes(c));
    if (others.length === 0) return;
    for (const row of rows) {
      const values: (string | null)[] = [];
      const param = (c: string) => {
        values.push(this.text(row, c));
        return `$${values.length}::${this.cast(c)}`;
      };
      const set = others.map((c) => `${quoteIdent(c)} = ${param(c)}`).join(', ');
      const match = key.map((c) => `${quoteIdent(c)} = ${param(c)}`).join(' AND ');
      await this.client.query(`UPDATE ${quoteTable(this.table.id)} SET ${set} WHERE ${match}`, values);
    }
  }

  /** `DELETE ... WHERE (key) IN (...)`. */
  async delete(key: string[], rows: Row[]): Promise<void> {
    const perStatement = Math.max(1, Math.min(this.batchSize, Math.floor(MAX_PARAMETERS / key.length)));
    const columns = `(${key.map(quoteIdent).join(', ')})`;
    for (let i = 0; i < rows.length; i += perStatement) {
      const values: (string | null)[] = [];
      const tuples = rows.slice(i, i + perStatement).map((row) => {
        const params = key.map((c) => {
          values.push(this.text(row, c));
          return `$${values.length}::${this.cast(c)}`;
        });
        return `(${params.join(', ')})`;
      });
      await this.client.query(
        `DELETE FROM ${quoteTable(this.table.id)} WHERE ${columns} IN (${tuples.join(', ')})`,
        values,
      );
    }
  }
}
