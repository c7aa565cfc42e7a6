import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { quoteIdent, quoteTable } from './identifiers.js';
import { formatArray } from './pg-array.js';
import { pgCopyStreams } from './pg-modules.js';
import { copyField, toPgText } from './sink-values.js';
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
  ) {}

  private text(row: Row, column: string): string | null {
    return toPgText(row[column], this.table.columns.get(column)!);
  }

  private cast(column: string): string {
    return this.table.columns.get(column)!.cast;
  }

  /** Plain inserts through `COPY ... FROM STDIN` in text format: the fastest way in, and no SQL at all. */
  async copy(columns: string[], rows: Row[]): Promise<void> {
    const stream = this.client.query(
      pgCopyStreams().from(
        `COPY ${quoteTable(this.table.id)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN`,
      ),
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

  /** `INSERT ... ON CONFLICT (key) DO UPDATE`; of several rows with one key in a batch, the last wins. */
  async upsert(columns: string[], key: string[], rows: Row[]): Promise<void> {
    const latest = new Map<string, Row>();
    for (const row of rows) {
      const id = JSON.stringify(key.map((k) => this.text(row, k)));
      latest.delete(id);
      latest.set(id, row);
    }
    const others = columns.filter((c) => !key.includes(c));
    const action =
      others.length === 0
        ? 'DO NOTHING'
        : `DO UPDATE SET ${others.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', ')}`;
    const conflict = `ON CONFLICT (${key.map(quoteIdent).join(', ')}) ${action}`;
    const types = columns.map((c) => this.table.columns.get(c)!);
    if (types.some((t) => t.isArray)) return this.insertValues(columns, [...latest.values()], conflict);
    await this.insertUnnest(columns, [...latest.values()], conflict);
  }

  /**
   * `INSERT ... SELECT * FROM unnest($1::type[], ...)`: one array parameter per column, so a statement of any
   * number of rows has as many parameters as columns and PostgreSQL plans it in no time (a VALUES list of
   * thousands of rows takes longer to parse and plan than to run). Not for array columns: unnest flattens them.
   */
  private async insertUnnest(columns: string[], rows: Row[], suffix: string): Promise<void> {
    const types = columns.map((c) => this.table.columns.get(c)!);
    const casts = types.map((t, i) => `$${i + 1}::${t.cast}[]`).join(', ');
    const text = `INSERT INTO ${quoteTable(this.table.id)} (${columns.map(quoteIdent).join(', ')})
      SELECT * FROM unnest(${casts}) ${suffix}`;
    for (let i = 0; i < rows.length; i += this.batchSize) {
      const end = Math.min(rows.length, i + this.batchSize);
      const params = types.map((type, c) => {
        const column = columns[c]!;
        const texts: (string | null)[] = new Array(end - i);
        for (let r = i; r < end; r++) texts[r - i] = toPgText(rows[r]![column], type);
        return formatArray(texts, (v) => v as string);
      });
      await this.client.query(text, params);
    }
  }

  /** `INSERT ... VALUES` with parameters, several rows per statement. */
  async insertValues(columns: string[], rows: Row[], suffix = ''): Promise<void> {
    const perStatement = Math.max(1, Math.min(this.batchSize, Math.floor(MAX_PARAMETERS / columns.length)));
    const head = `INSERT INTO ${quoteTable(this.table.id)} (${columns.map(quoteIdent).join(', ')}) VALUES `;
    for (let i = 0; i < rows.length; i += perStatement) {
      const chunk = rows.slice(i, i + perStatement);
      const values: (string | null)[] = [];
      const tuples = chunk.map((row) => {
        const params = columns.map((c) => {
          values.push(this.text(row, c));
          return `$${values.length}::${this.cast(c)}`;
        });
        return `(${params.join(', ')})`;
      });
      await this.client.query(`${head}${tuples.join(', ')} ${suffix}`, values);
    }
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
