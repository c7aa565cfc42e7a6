import type pg from 'pg';
import { quoteIdent, quoteTable, type TableId, tableName } from './identifiers.js';
import type { ColumnType } from './sink-values.js';

/** What the sink knows of a target table: its columns in order and its primary key. */
export interface TableInfo {
  id: TableId;
  columns: Map<string, ColumnType>;
  primaryKey: string[];
}

/** A column to create or add, with its type as `auto.create` chose it. */
export interface NewColumn {
  name: string;
  type: string;
  notNull: boolean;
}

/**
 * Reads and changes table definitions for the sink. Descriptions are cached per table and refreshed after the
 * sink changes a table (or after a reconnect, when someone else may have).
 */
export class TableCatalog {
  private readonly cache = new Map<string, TableInfo>();

  forget(): void {
    this.cache.clear();
  }

  async describe(client: pg.Client, id: TableId): Promise<TableInfo | undefined> {
    const key = tableName(id);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const { rows } = await client.query<{
      name: string;
      type: string;
      cast: string;
      base: string;
      pk: boolean;
    }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, format_type(a.atttypid, NULL) AS cast,
              COALESCE(e.typname, t.typname) AS base,
              EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary
                      AND a.attnum = ANY (i.indkey)) AS pk
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
        WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')
        ORDER BY a.attnum`,
      [id.schema, id.table],
    );
    if (rows.length === 0) return undefined;
    const info: TableInfo = {
      id,
      columns: new Map(
        rows.map((r) => [
          r.name,
          { type: r.type, cast: r.cast, base: r.base, isArray: r.type.endsWith('[]') },
        ]),
      ),
      primaryKey: rows.filter((r) => r.pk).map((r) => r.name),
    };
    this.cache.set(key, info);
    return info;
  }

  async create(client: pg.Client, id: TableId, columns: NewColumn[], primaryKey: string[]): Promise<void> {
    const defs = columns.map((c) => `${quoteIdent(c.name)} ${c.type}${c.notNull ? ' NOT NULL' : ''}`);
    if (primaryKey.length > 0) defs.push(`PRIMARY KEY (${primaryKey.map(quoteIdent).join(', ')})`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${quoteTable(id)} (${defs.join(', ')})`);
    this.cache.delete(tableName(id));
  }

  /** Adds nullable columns (`auto.evolve`); existing columns are never changed or dropped. */
  async addColumns(client: pg.Client, id: TableId, columns: NewColumn[]): Promise<void> {
    const adds = columns.map((c) => `ADD COLUMN IF NOT EXISTS ${quoteIdent(c.name)} ${c.type}`);
    await client.query(`ALTER TABLE ${quoteTable(id)} ${adds.join(', ')}`);
    this.cache.delete(tableName(id));
  }
}
