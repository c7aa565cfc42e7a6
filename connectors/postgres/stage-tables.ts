import type pg from 'pg';
import { quoteIdent, tableName } from './identifiers.js';
import type { TableInfo } from './table-catalog.js';

/**
 * Temporary tables an upsert stages its rows in before one `INSERT ... SELECT ... ON CONFLICT`: one per target
 * table and column list, created on first use in a session with the target's column types (`ON COMMIT DELETE
 * ROWS`, so each transaction finds them empty). Temporary tables are private to the session and write no WAL, so
 * COPY fills them at about the speed it fills any table.
 *
 * A stage created in a transaction that rolls back is gone with it: the sink calls {@link forget} after every
 * rollback and on reconnect.
 */
export class StageTables {
  private readonly names = new Map<string, string>();
  /** Stages written in the current transaction: a second use within it starts by emptying them. */
  private readonly used = new Set<string>();
  private created = 0;

  /** A transaction begins: every stage was emptied by the last commit. */
  begin(): void {
    this.used.clear();
  }

  forget(): void {
    this.names.clear();
    this.used.clear();
  }

  /** The (empty) stage for these columns of `table`, as a qualified, quoted name. */
  async stage(client: pg.Client, table: TableInfo, columns: readonly string[]): Promise<string> {
    const key = `${tableName(table.id)}\0${columns.join('\0')}`;
    let name = this.names.get(key);
    if (name === undefined) {
      name = `pg_temp.${quoteIdent(`sluice_stage_${++this.created}`)}`;
      const defs = columns.map((c) => `${quoteIdent(c)} ${table.columns.get(c)!.type}`);
      await client.query(`CREATE TEMPORARY TABLE ${name} (${defs.join(', ')}) ON COMMIT DELETE ROWS`);
      this.names.set(key, name);
    } else if (this.used.has(name)) {
      await client.query(`TRUNCATE ${name}`);
    }
    this.used.add(name);
    return name;
  }
}
