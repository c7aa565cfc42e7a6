import { z } from 'zod';
import { field } from '../../src/connect/index.js';
import { ConfigError } from '../../src/errors.js';

/**
 * The configs of the three PostgreSQL connectors, with the key names users of Confluent's JDBC connectors and of
 * Debezium's PostgreSQL connector already know.
 */

const connection = {
  'connection.url': field.string('postgres://host:5432/database (or jdbc:postgresql://...)'),
  'connection.user': field.optionalString('User, when not in connection.url'),
  'connection.password': field.optionalString('Password, when not in connection.url; never logged'),
};

const patternList = (description: string) => field.list([], description);

// ── Query source ────────────────────────────────────────────────────────────────────────────────────────────────

export const querySourceConfig = z.strictObject({
  ...connection,
  mode: z
    .enum(['bulk', 'incrementing', 'timestamp', 'timestamp+incrementing'])
    .describe(
      'bulk re-reads everything each poll; the others read only new or changed rows, tracked by offsets',
    ),
  'incrementing.column.name': field.optionalString('A strictly increasing column (a serial id)'),
  'timestamp.column.name': field.list(
    [],
    'Columns holding a row’s last-modified time; several are coalesced in the order given',
  ),
  'timestamp.initial': z
    .preprocess((v) => (typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v), z.number().int())
    .optional()
    .describe('Start time (ms since the epoch) for timestamp modes when no offset exists; -1 means now'),
  'timestamp.delay.interval.ms': field.int(
    0,
    'Rows are read only once their timestamp is this much older than now, leaving time for slow writers',
    0,
  ),
  'table.include.list': patternList('Tables to read (`schema.table` regular expressions); empty means all'),
  'table.exclude.list': patternList('Tables not to read (`schema.table` regular expressions)'),
  'schema.pattern': field.optionalString('Only tables of schemas matching this regular expression'),
  query: field.optionalString('A query to read instead of tables; its rows go to topic.prefix'),
  'poll.interval.ms': field.int(5000, 'How often each table is queried for new rows', 1),
  'batch.max.rows': field.int(100, 'Rows per poll at most, per table', 1),
  'topic.prefix': field.stringDefault(
    '',
    'Topics are `<topic.prefix><table>`; with `query`, the topic itself',
  ),
});
export type QuerySourceConfig = z.output<typeof querySourceConfig>;
export interface QuerySourceTaskConfig extends QuerySourceConfig {
  'task.id': number;
  'task.count': number;
}

export function validateQuerySource(c: QuerySourceConfig): void {
  const incrementing = c.mode === 'incrementing' || c.mode === 'timestamp+incrementing';
  const timestamp = c.mode === 'timestamp' || c.mode === 'timestamp+incrementing';
  if (incrementing && !c['incrementing.column.name']) {
    throw new ConfigError(`mode ${c.mode} needs incrementing.column.name`, {
      key: 'incrementing.column.name',
    });
  }
  if (timestamp && c['timestamp.column.name'].length === 0) {
    throw new ConfigError(`mode ${c.mode} needs timestamp.column.name`, { key: 'timestamp.column.name' });
  }
  if (c.query !== undefined && (c['table.include.list'].length > 0 || c['table.exclude.list'].length > 0)) {
    throw new ConfigError('query reads one query; leave table.include.list and table.exclude.list empty', {
      key: 'query',
    });
  }
  if (c.query !== undefined && !c['topic.prefix']) {
    throw new ConfigError('with query, topic.prefix is the topic to write to; set it', {
      key: 'topic.prefix',
    });
  }
}

// ── CDC source ──────────────────────────────────────────────────────────────────────────────────────────────────

export const cdcSourceConfig = z.strictObject({
  'connection.url': field.optionalString('postgres://host:5432/database; or give the database.* keys'),
  'database.hostname': field.optionalString('Host, when connection.url is not given'),
  'database.port': field.int(5432, 'Port', 1),
  'database.user': field.optionalString('User (needs the REPLICATION attribute)'),
  'database.password': field.optionalString('Password; never logged'),
  'database.dbname': field.optionalString('Database, when connection.url is not given'),
  'topic.prefix': field.string('Topics are `<topic.prefix>.<schema>.<table>`'),
  'slot.name': field.stringDefault('sluice', 'Logical replication slot; created when missing'),
  'slot.drop.on.stop': field.bool(false, 'Drop the slot when the task stops (tests and one-off runs)'),
  'publication.name': field.stringDefault('sluice_publication', 'Publication; created when missing'),
  'publication.autocreate.mode': field.enumOf(
    ['all_tables', 'filtered', 'disabled'],
    'filtered',
    'Create the publication for all tables, for the included tables only, or expect it to exist',
  ),
  'table.include.list': patternList(
    'Tables to capture (`schema.table` regular expressions); empty means all',
  ),
  'table.exclude.list': patternList('Tables not to capture'),
  'snapshot.mode': field.enumOf(
    ['initial', 'never', 'initial_only'],
    'initial',
    'initial: snapshot the tables, then stream; never: stream only; initial_only: snapshot, then stop',
  ),
  'tombstones.on.delete': field.bool(true, 'Follow each delete event with a tombstone (null value)'),
  'heartbeat.interval.ms': field.int(
    10000,
    'How often the slot is moved past WAL of unwatched tables while watched tables are idle (0: never)',
    0,
  ),
  'extract.new.record.state': field.bool(
    false,
    'Emit just the new row instead of the change envelope (like ExtractNewRecordState); deletes become tombstones',
  ),
  'max.batch.size': field.int(2048, 'Events per poll at most', 1),
  'poll.interval.ms': field.int(500, 'How long a poll waits for events before returning none', 1),
});
export type CdcSourceConfig = z.output<typeof cdcSourceConfig>;

export function validateCdcSource(c: CdcSourceConfig): void {
  if (!c['connection.url'] && !(c['database.hostname'] && c['database.dbname'])) {
    throw new ConfigError('set connection.url, or database.hostname and database.dbname', {
      key: 'connection.url',
    });
  }
  if (!/^[a-z0-9_]{1,63}$/.test(c['slot.name'])) {
    throw new ConfigError(
      `slot.name ${JSON.stringify(c['slot.name'])} must be lower-case letters, digits and _ (at most 63)`,
      { key: 'slot.name' },
    );
  }
}

/** The CDC connector's URL, from connection.url or the database.* keys. */
export function cdcUrl(c: CdcSourceConfig): string {
  if (c['connection.url']) return c['connection.url'];
  return `postgres://${c['database.hostname']}:${c['database.port']}/${encodeURIComponent(c['database.dbname']!)}`;
}

// ── Sink ────────────────────────────────────────────────────────────────────────────────────────────────────────

export const sinkConfig = z.strictObject({
  ...connection,
  'insert.mode': field.enumOf(
    ['insert', 'upsert', 'update'],
    'insert',
    'insert: plain INSERT (COPY); upsert: INSERT ... ON CONFLICT DO UPDATE; update: UPDATE by primary key',
  ),
  'pk.mode': field.enumOf(
    ['none', 'record_key', 'record_value'],
    'none',
    'Where the primary key comes from: nowhere, the record key, or fields of the record value',
  ),
  'pk.fields': field.list(
    [],
    'Primary key columns (record_value: fields of the value; record_key: of the key)',
  ),
  'auto.create': field.bool(false, 'Create the table when it does not exist'),
  'auto.evolve': field.bool(false, 'Add missing columns (nullable) when records carry new fields'),
  'delete.enabled': field.bool(
    false,
    'A tombstone (null value) deletes the row with its key; needs record_key',
  ),
  'table.name.format': field.stringDefault('${topic}', 'Table name; ${topic} is replaced by the topic'),
  'batch.size': field.int(
    3000,
    'Rows per DELETE statement; inserts and upserts send a whole batch through COPY',
    1,
  ),
  'max.retries': field.int(
    10,
    'Transient failures retried this many times in a row before the task fails',
    0,
  ),
  'retry.backoff.ms': field.int(3000, 'First wait after a transient failure; doubled up to 30 s', 0),
  'exactly.once': field.bool(
    true,
    'Store consumed offsets in the database in the same transaction as the rows, and resume from them',
  ),
  'offsets.table.name': field.stringDefault(
    'sluice_sink_offsets',
    'Table holding the offsets (exactly.once)',
  ),
});
export type SinkConfig = z.output<typeof sinkConfig>;

export function validateSink(c: SinkConfig): void {
  if (c['delete.enabled'] && c['pk.mode'] !== 'record_key') {
    throw new ConfigError('delete.enabled needs pk.mode=record_key (a tombstone has only a key)', {
      key: 'delete.enabled',
    });
  }
  if (c['insert.mode'] !== 'insert' && c['pk.mode'] === 'none') {
    throw new ConfigError(`insert.mode=${c['insert.mode']} needs a primary key: set pk.mode`, {
      key: 'pk.mode',
    });
  }
}
