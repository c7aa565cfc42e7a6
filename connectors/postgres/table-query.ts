import type { SourceMap } from '../../src/connect/index.js';
import type { QuerySourceConfig } from './config.js';
import { quoteIdent, quoteTable, type TableId } from './identifiers.js';

/**
 * The incremental query of one table (or of the custom `query`) and the offset it resumes from.
 *
 * No silent loss. Confluent's JDBC source reads `id > last` and loses a row whose transaction began first but
 * committed after a later row was read. Here every read of a table is bounded by the oldest transaction still in
 * progress, taken from the very snapshot the query runs in:
 * - rows are read only when the transaction that wrote them precedes `pg_snapshot_xmin(pg_current_snapshot())`, so
 *   every transaction a read row could have raced with has already committed or aborted;
 * - in the timestamp modes, rows are also read only when their timestamp is older than the start of every
 *   transaction in the database that has written something and is still open (and than
 *   `now() - timestamp.delay.interval.ms`), which also bounds a custom `query`, where the row's writer is unknown.
 *   Read-only transactions, however long, do not hold reads back.
 * A row committed late is thus read by a later poll, as long as ids and timestamps are taken in the transaction's
 * own order (a sequence or `now()` used by the statement that writes the row). Rows are read in id or time order.
 *
 * (A type alias, not an interface: an offset is a SourceMap, and an interface is not assignable to one.)
 */
export type QueryOffset = {
  incrementing?: number | string;
  /** The coalesced timestamp as PostgreSQL prints it, in ISO form with its zone: exact to the microsecond. */
  timestamp?: string;
};

export interface BuiltQuery {
  text: string;
  values: unknown[];
}

/**
 * Whether the row's writer (`xmin`) precedes the snapshot's oldest running transaction, in transaction-id order
 * (32-bit, wrapping): `age()` counts both back from the same transaction id, so the older has the larger age. A
 * frozen or bootstrap `xmin` has the largest age of all. The snapshot's side is a scalar subquery, which PostgreSQL
 * runs once (an InitPlan); written as a joined subquery it was inlined and taken again for every row, and the
 * predicate's arithmetic left the planner guessing so badly that it sorted on disk rather than scan the index.
 */
const WRITTEN_BEFORE_OLDEST_RUNNING =
  '(age(t.xmin) > (SELECT age(xid(pg_snapshot_xmin(pg_current_snapshot())))))';
const OLDEST_OPEN_TRANSACTION =
  `(SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database() ` +
  `AND backend_xid IS NOT NULL AND pid <> pg_backend_pid())`;

export class TableQuery {
  /** Where the next query starts: just after the last row read. */
  offset: QueryOffset;
  /** Timestamp mode: the offset before the current group of equal timestamps, which may not be complete yet. */
  private resumeFrom: QueryOffset;

  constructor(
    private readonly config: QuerySourceConfig,
    /** The table, or undefined for the custom `query`. */
    readonly table: TableId | undefined,
    readonly partition: SourceMap,
    offset: QueryOffset | null,
  ) {
    this.offset = { ...offset };
    const initial = config['timestamp.initial'];
    if (this.offset.timestamp === undefined && initial !== undefined && this.hasTimestamp) {
      this.offset.timestamp = new Date(initial === -1 ? Date.now() : initial).toISOString();
    }
    this.resumeFrom = { ...this.offset };
  }

  private get hasTimestamp(): boolean {
    return this.config.mode === 'timestamp' || this.config.mode === 'timestamp+incrementing';
  }

  private get hasIncrementing(): boolean {
    return this.config.mode === 'incrementing' || this.config.mode === 'timestamp+incrementing';
  }

  /**
   * The statement to run now, with its parameters; with `inline`, the offsets are written into the text as
   * literals instead (for COPY, which takes no parameters) and `values` is empty.
   */
  build(inline = false): BuiltQuery {
    const mode = this.config.mode;
    const source = this.table ? `${quoteTable(this.table)} t` : `(${this.config.query}) t`;
    const tsExpr = `COALESCE(${this.config['timestamp.column.name'].map((c) => `t.${quoteIdent(c)}`).join(', ')})`;
    const incExpr = this.hasIncrementing ? `t.${quoteIdent(this.config['incrementing.column.name']!)}` : '';
    const where: string[] = [];
    const values: unknown[] = [];
    if (this.table && mode !== 'bulk') where.push(WRITTEN_BEFORE_OLDEST_RUNNING);
    if (this.hasTimestamp) {
      const delay = this.config['timestamp.delay.interval.ms'];
      where.push(
        `${tsExpr} < LEAST(now() - interval '${delay} milliseconds', COALESCE(${OLDEST_OPEN_TRANSACTION}, 'infinity'))`,
      );
    }
    const { incrementing, timestamp } = this.offset;
    const param = (value: unknown): string => {
      if (inline) return literal(value);
      values.push(value);
      return `$${values.length}`;
    };
    if (mode === 'incrementing' && incrementing !== undefined) {
      where.push(`${incExpr} > ${param(incrementing)}`);
    } else if (mode === 'timestamp' && timestamp !== undefined) {
      where.push(`${tsExpr} > ${param(timestamp)}`);
    } else if (mode === 'timestamp+incrementing' && timestamp !== undefined && incrementing === undefined) {
      where.push(`${tsExpr} >= ${param(timestamp)}`);
    } else if (mode === 'timestamp+incrementing' && timestamp !== undefined) {
      const ts = param(timestamp);
      where.push(`(${tsExpr} > ${ts} OR (${tsExpr} = ${ts} AND ${incExpr} > ${param(incrementing)}))`);
    }
    const order =
      mode === 'incrementing'
        ? ` ORDER BY ${incExpr}`
        : mode === 'timestamp'
          ? ` ORDER BY ${tsExpr}`
          : mode === 'timestamp+incrementing'
            ? ` ORDER BY ${tsExpr}, ${incExpr}`
            : '';
    const whereSql = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
    return { text: `SELECT t.* FROM ${source}${whereSql}${order}`, values };
  }

  /** The columns whose values the offsets are made of: the id column and/or the timestamp columns. */
  get offsetColumns(): string[] {
    return [
      ...(this.hasIncrementing ? [this.config['incrementing.column.name']!] : []),
      ...(this.hasTimestamp ? this.config['timestamp.column.name'] : []),
    ];
  }

  /**
   * Advances the offset past a row (read in id or time order; only its {@link offsetColumns} are read), and returns
   * the offset to resume from after it. In timestamp mode (no id to break ties) a record's offset stays before its
   * own timestamp until a later one is seen, so a restart re-reads the tied rows rather than skipping them.
   */
  advance(row: Record<string, unknown>): QueryOffset {
    const inc = this.hasIncrementing ? row[this.config['incrementing.column.name']!] : undefined;
    let ts: unknown = null;
    if (this.hasTimestamp) {
      for (const column of this.config['timestamp.column.name']) {
        ts = row[column];
        if (ts !== null && ts !== undefined) break;
      }
    }
    return this.advanceBy(inc, ts);
  }

  /**
   * {@link advance} for row `i` of columns of values, one per {@link offsetColumns} in that order: the JSON path
   * keeps those columns' values apart from the rows, and no row object is made for the offset.
   */
  advanceKept(kept: readonly (readonly unknown[])[], i: number): QueryOffset {
    let k = 0;
    const inc = this.hasIncrementing ? kept[k++]![i] : undefined;
    let ts: unknown = null;
    if (this.hasTimestamp) {
      for (; k < kept.length; k++) {
        ts = kept[k]![i];
        if (ts !== null && ts !== undefined) break;
      }
    }
    return this.advanceBy(inc, ts);
  }

  private advanceBy(inc: unknown, ts: unknown): QueryOffset {
    const mode = this.config.mode;
    // Offsets are replaced, never changed in place: records may share one.
    if (mode === 'bulk') return NO_OFFSET;
    if (mode === 'incrementing') {
      this.offset = { incrementing: offsetValue(inc) };
      return this.offset;
    }
    const timestamp = ts === null || ts === undefined ? this.offset.timestamp : String(ts);
    if (mode === 'timestamp') {
      if (timestamp !== this.offset.timestamp) {
        this.resumeFrom = this.offset;
        this.offset = timestamp === undefined ? {} : { timestamp };
      }
      return this.resumeFrom;
    }
    this.offset = { ...(timestamp === undefined ? {} : { timestamp }), incrementing: offsetValue(inc) };
    return this.offset;
  }
}

const NO_OFFSET: QueryOffset = Object.freeze({});

/**
 * An offset as an SQL literal of unknown type (like an untyped parameter, PostgreSQL gives it the type of the
 * column it is compared with). `E'...'` reads the same whatever standard_conforming_strings is.
 */
function literal(value: unknown): string {
  const text = String(value);
  return `E'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** Ids travel as numbers when exact, otherwise as decimal strings (offsets are JSON). */
function offsetValue(value: unknown): number | string {
  if (typeof value === 'number') return value;
  return String(value);
}
