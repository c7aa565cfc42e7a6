import type pg from 'pg';
import {
  defineSourceConnector,
  EndOfInputError,
  type SourceMap,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
} from '../../src/connect/index.js';
import { discoverTables, SnapshotReader } from './cdc-snapshot.js';
import {
  type CapturedTable,
  capturedTable,
  changeRecords,
  type EventSource,
  rowOf,
} from './change-events.js';
import { type CdcSourceConfig, cdcSourceConfig, cdcUrl, validateCdcSource } from './config.js';
import { asTaskError, type ConnectionSettings, closeQuietly, connect } from './connection.js';
import { matchesAny, quoteIdent, quoteTable } from './identifiers.js';
import { formatLsn, type PgOutputMessage, parseLsn, pgTimeToMillis } from './pgoutput.js';
import { ReplicationStream } from './replication-stream.js';
import { SlotProgress } from './slot-progress.js';

/** The stored position: the commit LSN of a transaction and the index of the last record of it handed out. */
interface CdcOffset {
  lsn: string;
  seq: number;
  txId: number | null;
  /** Absent (or false) on records of an unfinished snapshot: after a restart the snapshot is taken again. */
  snapshot_completed?: boolean;
}

interface OpenTransaction {
  lsn: bigint;
  lsnText: string;
  xid: number;
  tsMs: number;
  seq: number;
}

/**
 * Change data capture over logical replication with the built-in `pgoutput` plugin, through `pg`'s own
 * replication connection (see {@link ReplicationStream}).
 *
 * Start: the publication is created (or its table list set) and the slot created when missing. With
 * `snapshot.mode=initial` and no completed snapshot in the offsets, the slot is (re)created with an exported
 * snapshot and every captured table is read in it (`op: r`); the stream then continues exactly from there.
 *
 * Durability: the slot is confirmed only up to transactions whose every record the runtime reported durable, so
 * a crash anywhere makes the server resend what might be missing; records at or before the committed offset
 * (`{lsn, seq}`) are then skipped, so a restart neither loses nor repeats events. Heartbeats move the slot past
 * WAL of unwatched tables while nothing is pending.
 */
export class CdcSourceTask implements SourceTask<CdcSourceConfig> {
  private config!: CdcSourceConfig;
  private context!: SourceTaskContext;
  private db: pg.Client | undefined;
  private replication: ReplicationStream | undefined;
  private phase: 'idle' | 'snapshot' | 'stream' | 'done' = 'idle';
  private snapshot: SnapshotReader | undefined;
  private snapshotDone = false;
  private snapshotLsn = 0n;
  private carry: SourceRecord | undefined;
  private tables: CapturedTable[] = [];
  private readonly relations = new Map<number, CapturedTable | null>();
  private progress = new SlotProgress(0n);
  private transaction: OpenTransaction | undefined;
  /** Records up to here were handed out already (committed offset, or this run's last record). */
  private resumeAfter: CdcOffset | null = null;
  private lastWalEnd = 0n;
  private lastHeartbeat = Date.now();
  private dbName = '';
  private partition: SourceMap = {};

  async start(config: CdcSourceConfig, context: SourceTaskContext): Promise<void> {
    this.config = config;
    this.context = context;
    this.partition = { server: config['topic.prefix'] };
  }

  async poll(): Promise<SourceRecord[]> {
    try {
      if (this.phase === 'idle') await this.init();
      if (this.phase === 'snapshot') return await this.readSnapshot();
      if (this.phase === 'done') throw new EndOfInputError(`snapshot of ${this.config['topic.prefix']}`);
      return await this.readStream();
    } catch (error) {
      if (error instanceof EndOfInputError) throw error;
      await this.reset();
      throw asTaskError(error, `capturing changes from ${this.config['topic.prefix']}`);
    }
  }

  async commitRecord(record: SourceRecord): Promise<void> {
    if (record.sourceOffset.snapshot_completed === undefined) return;
    this.progress.durable(record);
    if (this.progress.advance()) this.replication?.confirm(this.progress.confirmed);
  }

  async stop(): Promise<void> {
    await this.reset();
    if (this.config['slot.drop.on.stop']) await this.dropSlot();
  }

  private settings(): ConnectionSettings {
    return {
      url: cdcUrl(this.config),
      user: this.config['database.user'],
      password: this.config['database.password'],
      applicationName: `sluice ${this.context.connectorName}`,
    };
  }

  private async init(): Promise<void> {
    const c = this.config;
    const db = (this.db = await connect(this.settings()));
    this.dbName = (await db.query<{ d: string }>('SELECT current_database() AS d')).rows[0]!.d;
    this.tables = await discoverTables(
      db,
      c['topic.prefix'],
      c['table.include.list'],
      c['table.exclude.list'],
    );
    const stored = (await this.context.offsetReader.offset(this.partition)) as CdcOffset | null;
    if (stored && (!this.resumeAfter || parseLsn(stored.lsn) > parseLsn(this.resumeAfter.lsn))) {
      this.resumeAfter = stored;
    }
    this.snapshotDone ||= stored?.snapshot_completed === true;
    const mode = c['snapshot.mode'];
    if (mode === 'initial_only') {
      if (this.snapshotDone) {
        this.phase = 'done';
        return;
      }
      this.snapshot = new SnapshotReader(db, this.tables);
      await this.snapshot.begin(null);
      this.phase = 'snapshot';
      return;
    }
    await this.ensurePublication(db);
    const slot = await db.query<{ confirmed: string | null }>(
      'SELECT confirmed_flush_lsn::text AS confirmed FROM pg_replication_slots WHERE slot_name = $1',
      [c['slot.name']],
    );
    const exists = slot.rows.length > 0;
    this.replication = await ReplicationStream.open(this.settings(), c['max.batch.size'] * 4);
    if (mode === 'initial' && !this.snapshotDone) {
      if (exists) await this.dropSlot();
      const created = await this.replication.createSlot(c['slot.name'], true);
      this.snapshotLsn = created.consistentPoint;
      this.snapshot = new SnapshotReader(db, this.tables);
      await this.snapshot.begin(created.snapshotName);
      this.phase = 'snapshot';
      return;
    }
    const confirmed = exists
      ? parseLsn(slot.rows[0]!.confirmed ?? '0/0')
      : (await this.replication.createSlot(c['slot.name'], false)).consistentPoint;
    this.startStream(confirmed);
  }

  private startStream(confirmed: bigint): void {
    this.progress = new SlotProgress(confirmed);
    this.relations.clear();
    this.transaction = undefined;
    this.replication!.start(this.config['slot.name'], this.config['publication.name'], confirmed);
    this.phase = 'stream';
  }

  private async ensurePublication(db: pg.Client): Promise<void> {
    const c = this.config;
    const name = quoteIdent(c['publication.name']);
    const mode = c['publication.autocreate.mode'];
    const found = await db.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [c['publication.name']]);
    const tables = this.tables.map(quoteTable).join(', ');
    if (found.rows.length === 0) {
      if (mode === 'disabled') {
        throw new Error(
          `publication ${c['publication.name']} does not exist; create it or set publication.autocreate.mode`,
        );
      }
      if (mode === 'filtered' && this.tables.length === 0) {
        throw new Error('no table matches table.include.list; nothing to capture');
      }
      await db.query(
        `CREATE PUBLICATION ${name} ${mode === 'all_tables' ? 'FOR ALL TABLES' : `FOR TABLE ${tables}`}`,
      );
    } else if (mode === 'filtered' && this.tables.length > 0) {
      await db.query(`ALTER PUBLICATION ${name} SET TABLE ${tables}`);
    }
  }

  private async readSnapshot(): Promise<SourceRecord[]> {
    const out: SourceRecord[] = [];
    const { table, rows } = await this.snapshot!.next(this.config['max.batch.size']);
    const offset: CdcOffset = { lsn: formatLsn(this.snapshotLsn), seq: 0, txId: null };
    const source: EventSource = {
      db: this.dbName,
      tsMs: Date.now(),
      snapshot: 'true',
      txId: null,
      lsn: this.snapshotLsn,
    };
    for (const row of rows) {
      const [record] = changeRecords(this.config, table, 'r', null, row, source, this.partition, {
        ...offset,
      });
      if (this.carry) out.push(this.carry);
      this.carry = record;
    }
    if (rows.length > 0) return out;
    // Every table is read: the last record says so, and its offset marks the snapshot complete.
    if (this.carry) {
      const last = this.carry;
      last.sourceOffset = { ...last.sourceOffset, snapshot_completed: true };
      if (last.value && typeof last.value === 'object' && 'source' in last.value) {
        (last.value as { source: { snapshot: string } }).source.snapshot = 'last';
      }
      out.push(last);
      this.carry = undefined;
    }
    await this.snapshot!.finish();
    this.snapshot = undefined;
    this.snapshotDone = true;
    if (this.config['snapshot.mode'] === 'initial_only') this.phase = 'done';
    else this.startStream(this.snapshotLsn);
    return out;
  }

  private async readStream(): Promise<SourceRecord[]> {
    const c = this.config;
    const messages = await this.replication!.take(
      c['max.batch.size'],
      c['poll.interval.ms'],
      this.context.signal,
    );
    const out: SourceRecord[] = [];
    for (const m of messages) {
      if (m.walEnd > this.lastWalEnd) this.lastWalEnd = m.walEnd;
      if (m.tag === 'xlog') this.handle(m.message, out);
    }
    const interval = c['heartbeat.interval.ms'];
    if (interval > 0 && Date.now() - this.lastHeartbeat >= interval) {
      this.lastHeartbeat = Date.now();
      this.progress.advance();
      // Nothing received is pending: everything before the server's WAL end is durable or was not ours.
      if (this.progress.idle && this.lastWalEnd > this.progress.confirmed)
        this.progress.confirmed = this.lastWalEnd;
      this.replication!.confirm(this.progress.confirmed);
    }
    return out;
  }

  private handle(m: PgOutputMessage, out: SourceRecord[]): void {
    switch (m.tag) {
      case 'begin': {
        const lsnText = formatLsn(m.finalLsn);
        this.transaction = {
          lsn: m.finalLsn,
          lsnText,
          xid: m.xid,
          tsMs: pgTimeToMillis(m.commitTime),
          seq: 0,
        };
        this.progress.begin(lsnText);
        return;
      }
      case 'commit':
        this.progress.commit(m.endLsn);
        this.transaction = undefined;
        if (this.progress.advance()) this.replication!.confirm(this.progress.confirmed);
        return;
      case 'relation': {
        const captured = this.captures(`${m.schema}.${m.table}`);
        this.relations.set(
          m.relid,
          captured ? capturedTable(this.config['topic.prefix'], m.schema, m.table, m.columns) : null,
        );
        return;
      }
      case 'insert':
        this.emit(m.relid, 'c', null, m.after, out);
        return;
      case 'update':
        this.emit(m.relid, 'u', m.before, m.after, out);
        return;
      case 'delete':
        this.emit(m.relid, 'd', m.before, null, out);
        return;
      case 'truncate':
        for (const relid of m.relids) this.emit(relid, 't', null, null, out);
        return;
      default:
        return;
    }
  }

  private captures(name: string): boolean {
    const c = this.config;
    if (c['table.include.list'].length > 0 && !matchesAny(name, c['table.include.list'])) return false;
    return !matchesAny(name, c['table.exclude.list']);
  }

  private emit(
    relid: number,
    op: 'c' | 'u' | 'd' | 't',
    before: Parameters<typeof rowOf>[1] | null,
    after: Parameters<typeof rowOf>[1] | null,
    out: SourceRecord[],
  ): void {
    const table = this.relations.get(relid);
    const txn = this.transaction;
    if (!table || !txn) return;
    const seq = ++txn.seq;
    const r = this.resumeAfter;
    // Usually the last offset is of this very transaction: compare seq, and parse the LSN text only otherwise.
    if (r && (r.lsn === txn.lsnText ? seq <= r.seq : txn.lsn < parseLsn(r.lsn))) return;
    const offset: CdcOffset = { lsn: txn.lsnText, seq, txId: txn.xid, snapshot_completed: true };
    const source: EventSource = {
      db: this.dbName,
      tsMs: txn.tsMs,
      snapshot: 'false',
      txId: txn.xid,
      lsn: txn.lsn,
    };
    const records = changeRecords(
      this.config,
      table,
      op,
      before ? rowOf(table, before) : null,
      after ? rowOf(table, after) : null,
      source,
      this.partition,
      { ...offset },
    );
    for (const record of records) {
      this.progress.handedOut();
      out.push(record);
    }
    this.resumeAfter = offset;
  }

  private async dropSlot(): Promise<void> {
    const slot = this.config['slot.name'];
    const db = this.db ?? (await connect(this.settings()));
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await db.query(
            'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1',
            [slot],
          );
          return;
        } catch (error) {
          // 55006: still active — its walsender exits a moment after the connection closes.
          if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    } finally {
      if (db !== this.db) await closeQuietly(db);
    }
  }

  private async reset(): Promise<void> {
    const replication = this.replication;
    this.replication = undefined;
    await replication?.close();
    this.snapshot = undefined;
    this.carry = undefined;
    const db = this.db;
    this.db = undefined;
    await closeQuietly(db);
    if (this.phase !== 'done') this.phase = 'idle';
  }
}

/** `postgres-cdc` — what Debezium's PostgreSQL connector does, on logical replication with pgoutput. */
export const postgresCdcSource = defineSourceConnector({
  name: 'postgres-cdc',
  aliases: ['PostgresCdcSource', 'io.debezium.connector.postgresql.PostgresConnector'],
  kind: 'source',
  version: '0.1.0',
  description: 'Streams inserts, updates and deletes from PostgreSQL (snapshot, then logical replication)',
  config: cdcSourceConfig,
  validate: validateCdcSource,
  taskConfigs: (config: CdcSourceConfig) => [config],
  // Known only when every included pattern is a plain `schema.table` (a regular expression matching just itself).
  topicsWritten: (config: CdcSourceConfig) => {
    const tables = config['table.include.list'];
    if (tables.length === 0 || !tables.every((t) => /^[A-Za-z_][\w$]*\.[A-Za-z_][\w$]*$/.test(t)))
      return undefined;
    return tables.map((t) => `${config['topic.prefix']}.${t}`);
  },
  createTask: () => new CdcSourceTask(),
});
