import type pg from 'pg';
import { quoteTable, type TableId } from './identifiers.js';

/**
 * The sink's own record of how far it has written, kept in the target database so that it commits in the same
 * transaction as the rows: one row per (connector, target table, topic, partition) with the next offset to write.
 * After a crash the rows and the offsets are either both there or both not, so on restart the sink resumes exactly
 * after the last row written, even in insert mode.
 *
 * A row is a statement about one table ("offsets below next_offset of this partition are in it"), so the target
 * table is part of the key: two sinks of the same name writing one topic to different tables (two pipelines that
 * name their sink alike, or a sink moved to a new table) each keep their own position instead of skipping rows
 * the other wrote.
 *
 *   CREATE TABLE sluice_sink_offsets (connector text, target_table text, topic text, "partition" int,
 *     next_offset bigint, updated_at timestamptz, PRIMARY KEY (connector, target_table, topic, "partition"))
 *
 * Tables of the earlier layout (no target_table) are migrated on start; their rows get target_table '' and are
 * read as belonging to the table each topic maps to now, which is what they meant.
 */
export class SinkOffsetStore {
  constructor(
    private readonly table: TableId,
    private readonly connector: string,
    /** The target table (`schema.table`) records of `topic` are written to. */
    private readonly targetOf: (topic: string) => string,
  ) {}

  async ensureTable(client: pg.Client): Promise<void> {
    const name = quoteTable(this.table);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${name} (connector text NOT NULL, target_table text NOT NULL,
           topic text NOT NULL, "partition" integer NOT NULL, next_offset bigint NOT NULL,
           updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (connector, target_table, topic, "partition"))`,
      );
    } catch (error) {
      // Two tasks creating it at once: the loser sees a duplicate type or table; the table exists either way.
      const code = (error as { code?: string }).code;
      if (code !== '23505' && code !== '42P07') throw error;
    }
    await this.migrate(client);
  }

  /** Adds target_table to a table of the earlier layout and makes it part of the primary key. */
  private async migrate(client: pg.Client): Promise<void> {
    const { rows } = await client.query<{ pkey: string | null; has: boolean }>(
      `SELECT (SELECT conname FROM pg_constraint WHERE conrelid = c.oid AND contype = 'p') AS pkey,
              EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = c.oid AND attname = 'target_table'
                      AND NOT attisdropped) AS has
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
      [this.table.schema, this.table.table],
    );
    if (rows.length === 0 || rows[0]!.has) return;
    const name = quoteTable(this.table);
    await client.query('BEGIN');
    try {
      await client.query(`LOCK TABLE ${name} IN ACCESS EXCLUSIVE MODE`);
      await client.query(
        `ALTER TABLE ${name} ADD COLUMN IF NOT EXISTS target_table text NOT NULL DEFAULT ''`,
      );
      const pkey = rows[0]!.pkey;
      if (pkey) await client.query(`ALTER TABLE ${name} DROP CONSTRAINT "${pkey.replaceAll('"', '""')}"`);
      await client.query(`ALTER TABLE ${name} ADD PRIMARY KEY (connector, target_table, topic, "partition")`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      // Another task migrated it first: the column is there now.
      if ((error as { code?: string }).code !== '42P16') throw error;
    }
  }

  /** Next offset to write per `topic`/`partition` key (see {@link partitionKey}), for this sink's tables only. */
  async load(client: pg.Client): Promise<Map<string, number>> {
    const { rows } = await client.query<{
      target_table: string;
      topic: string;
      partition: number;
      next_offset: string;
    }>(
      `SELECT target_table, topic, "partition", next_offset FROM ${quoteTable(this.table)} WHERE connector = $1
        ORDER BY target_table = '' DESC`,
      [this.connector],
    );
    const next = new Map<string, number>();
    for (const r of rows) {
      // Legacy rows ('') come first, so a row naming the table overrides them.
      if (r.target_table !== '' && r.target_table !== this.targetOf(r.topic)) continue;
      next.set(partitionKey(r.topic, r.partition), Number(r.next_offset));
    }
    return next;
  }

  /** Records `next` offsets; call inside the transaction that writes the rows. */
  async save(client: pg.Client, next: Map<string, number>): Promise<void> {
    if (next.size === 0) return;
    const targets: string[] = [];
    const topics: string[] = [];
    const partitions: number[] = [];
    const offsets: string[] = [];
    for (const [key, offset] of next) {
      const { topic, partition } = splitKey(key);
      targets.push(this.targetOf(topic));
      topics.push(topic);
      partitions.push(partition);
      offsets.push(String(offset));
    }
    await client.query(
      `INSERT INTO ${quoteTable(this.table)} (connector, target_table, topic, "partition", next_offset)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[])
       ON CONFLICT (connector, target_table, topic, "partition")
       DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()`,
      [this.connector, targets, topics, partitions, offsets],
    );
  }
}

/** `topic` and `partition` as one map key; partitions are numbers, so the last `/` separates them. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

function splitKey(key: string): { topic: string; partition: number } {
  const slash = key.lastIndexOf('/');
  return { topic: key.slice(0, slash), partition: Number(key.slice(slash + 1)) };
}
