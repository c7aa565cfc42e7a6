import type pg from 'pg';
import { type CapturedTable, capturedTable } from './change-events.js';
import { CopyRows } from './copy-rows.js';
import { matchesAny, quoteTable, tableName } from './identifiers.js';

/** Ordinary tables matching the include and exclude lists, with their columns and primary key. */
export async function discoverTables(
  client: pg.Client,
  prefix: string,
  include: readonly string[],
  exclude: readonly string[],
): Promise<CapturedTable[]> {
  const { rows } = await client.query<{
    schema: string;
    table: string;
    name: string;
    oid: number;
    key: boolean;
  }>(
    `SELECT n.nspname AS schema, c.relname AS table, a.attname AS name, a.atttypid::int AS oid,
            COALESCE(a.attnum = ANY (i.indkey), false) AS key
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
      ORDER BY 1, 2, a.attnum`,
  );
  const grouped = new Map<string, typeof rows>();
  for (const r of rows) {
    const name = tableName(r);
    if (include.length > 0 && !matchesAny(name, include)) continue;
    if (matchesAny(name, exclude)) continue;
    grouped.set(name, [...(grouped.get(name) ?? []), r]);
  }
  return [...grouped.values()].map((cols) =>
    capturedTable(
      prefix,
      cols[0]!.schema,
      cols[0]!.table,
      cols.map((c) => ({ name: c.name, typeOid: c.oid, isKey: c.key })),
    ),
  );
}

/**
 * Reads every captured table inside one REPEATABLE READ transaction, optionally on the snapshot a replication slot
 * exported when it was created: the rows are then exactly the state the slot's stream continues from.
 */
export class SnapshotReader {
  private index = 0;
  private rows: CopyRows | undefined;

  constructor(
    private readonly client: pg.Client,
    private readonly tables: CapturedTable[],
  ) {}

  async begin(snapshotName: string | null): Promise<void> {
    await this.client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    if (snapshotName)
      await this.client.query(`SET TRANSACTION SNAPSHOT '${snapshotName.replaceAll("'", "''")}'`);
  }

  /** Up to `max` rows, from one table; an empty array once every table has been read. */
  async next(max: number): Promise<{ table: CapturedTable; rows: Record<string, unknown>[] }> {
    while (this.index < this.tables.length) {
      const table = this.tables[this.index]!;
      this.rows ??= await CopyRows.open(this.client, `SELECT * FROM ${quoteTable(table)}`);
      const rows = await this.rows.read(max);
      if (rows.length > 0) return { table, rows };
      this.rows = undefined;
      this.index++;
    }
    return { table: this.tables[this.tables.length - 1]!, rows: [] };
  }

  async finish(): Promise<void> {
    await this.client.query('COMMIT');
  }
}
