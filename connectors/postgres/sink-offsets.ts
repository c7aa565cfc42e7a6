import type pg from 'pg';
import { quoteTable, type TableId } from './identifiers.js';

/**
 * The sink's own record of how far it has written, kept in the target database so that it commits in the same
 * transaction as the rows: one row per (connector, topic, partition) with the next offset to write. After a crash
 * the rows and the offsets are either both there or both not, so on restart the sink resumes exactly after the last
 * row written, even in insert mode.
 *
 *   CREATE TABLE sluice_sink_offsets (connector text, topic text, "partition" int, next_offset bigint,
 *                                     updated_at timestamptz, PRIMARY KEY (connector, topic, "partition"))
 */
export class SinkOffsetStore {
  constructor(
    private readonly table: TableId,
    private readonly connector: string,
  ) {}

  async ensureTable(client: pg.Client): Promise<void> {
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${quoteTable(this.table)} (connector text NOT NULL, topic text NOT NULL,
           "partition" integer NOT NULL, next_offset bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),
           PRIMARY KEY (connector, topic, "partition"))`,
      );
    } catch (error) {
      // Two tasks creating it at once: the loser sees a duplicate type or table; the table exists either way.
      const code = (error as { code?: string }).code;
      if (code !== '23505' && code !== '42P07') throw error;
    }
  }

  /** Next offset to write per `topic`/`partition` key (see {@link partitionKey}). */
  async load(client: pg.Client): Promise<Map<string, number>> {
    const { rows } = await client.query<{ topic: string; partition: number; next_offset: string }>(
      `SELECT topic, "partition", next_offset FROM ${quoteTable(this.table)} WHERE connector = $1`,
      [this.connector],
    );
    return new Map(rows.map((r) => [partitionKey(r.topic, r.partition), Number(r.next_offset)]));
  }

  /** Records `next` offsets; call inside the transaction that writes the rows. */
  async save(client: pg.Client, next: Map<string, number>): Promise<void> {
    if (next.size === 0) return;
    const topics: string[] = [];
    const partitions: number[] = [];
    const offsets: string[] = [];
    for (const [key, offset] of next) {
      const { topic, partition } = splitKey(key);
      topics.push(topic);
      partitions.push(partition);
      offsets.push(String(offset));
    }
    await client.query(
      `INSERT INTO ${quoteTable(this.table)} (connector, topic, "partition", next_offset)
       SELECT $1, * FROM unnest($2::text[], $3::int[], $4::bigint[])
       ON CONFLICT (connector, topic, "partition")
       DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()`,
      [this.connector, topics, partitions, offsets],
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
