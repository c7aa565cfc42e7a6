import type { Duplex } from 'node:stream';
import type pg from 'pg';
import { type ConnectionSettings, closeQuietly, connect } from './connection.js';
import { quoteIdent } from './identifiers.js';
import { pgCopyStreams } from './pg-modules.js';
import { decodeReplication, encodeStatusUpdate, parseLsn, type ReplicationMessage } from './pgoutput.js';

// pg-copy-streams' copy-both stream is missing from its type definitions.
const copyBoth = (text: string, options: object): pg.Submittable =>
  (pgCopyStreams() as unknown as { both(text: string, options: object): pg.Submittable }).both(text, options);

/** What `CREATE_REPLICATION_SLOT` answers: where the slot starts, and a snapshot of the data at that point. */
export interface CreatedSlot {
  consistentPoint: bigint;
  /** Set when the slot was created with an exported snapshot; valid until the next command on this connection. */
  snapshotName: string | null;
}

/**
 * One replication connection (`replication=database`): creates the slot, then streams pgoutput messages with
 * `START_REPLICATION` over a copy-both stream. Messages queue up to `highWater`; past it the socket is paused, so
 * a slow consumer holds WAL on the server rather than memory here. Keepalives that ask for a reply are answered
 * at once with the last confirmed position, which is what keeps the server from timing the connection out.
 */
export class ReplicationStream {
  private stream: Duplex | undefined;
  private readonly queue: ReplicationMessage[] = [];
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private confirmed = 0n;

  private constructor(
    private readonly client: pg.Client,
    private readonly highWater: number,
  ) {
    client.on('error', (error) => this.fail(error));
    client.on('end', () => this.fail(new Error('Connection terminated unexpectedly')));
  }

  static async open(settings: ConnectionSettings, highWater: number): Promise<ReplicationStream> {
    return new ReplicationStream(await connect({ ...settings, replication: true }), highWater);
  }

  async createSlot(slot: string, exportSnapshot: boolean): Promise<CreatedSlot> {
    const mode = exportSnapshot ? 'EXPORT_SNAPSHOT' : 'NOEXPORT_SNAPSHOT';
    const { rows } = await this.client.query(
      `CREATE_REPLICATION_SLOT ${quoteIdent(slot)} LOGICAL pgoutput ${mode}`,
    );
    return {
      consistentPoint: parseLsn(rows[0].consistent_point),
      snapshotName: rows[0].snapshot_name ?? null,
    };
  }

  /** Streams from the slot's confirmed position; `confirmed` is what status updates report until advanced. */
  start(slot: string, publication: string, confirmed: bigint): void {
    this.confirmed = confirmed;
    const options = `proto_version '1', publication_names '${publication.replaceAll("'", "''")}'`;
    const stream = this.client.query(
      copyBoth(`START_REPLICATION SLOT ${quoteIdent(slot)} LOGICAL 0/0 (${options})`, {
        alignOnCopyDataFrame: true,
        readableObjectMode: true,
      }),
    ) as unknown as Duplex;
    stream.on('data', (chunk: Buffer) => {
      const message = decodeReplication(chunk);
      if (!message) return;
      if (message.tag === 'keepalive' && message.replyRequested) this.sendStatus();
      this.queue.push(message);
      if (this.queue.length >= this.highWater) stream.pause();
      this.wake?.();
    });
    stream.on('error', (error: Error) => this.fail(error));
    stream.on('end', () =>
      this.fail(new Error('Connection terminated: the server ended the replication stream')),
    );
    this.stream = stream;
  }

  /** Up to `max` messages; waits up to `waitMs` (or until `signal` aborts) when none is queued. */
  async take(max: number, waitMs: number, signal: AbortSignal): Promise<ReplicationMessage[]> {
    if (this.queue.length === 0 && !this.failure && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        signal.addEventListener('abort', done, { once: true });
        this.wake = done;
      });
    }
    const taken = this.queue.splice(0, max);
    if (this.queue.length < this.highWater / 2) this.stream?.resume();
    if (taken.length === 0 && this.failure) throw this.failure;
    return taken;
  }

  /** Reports everything up to `lsn` as flushed: the server may recycle that WAL and never resend it. */
  confirm(lsn: bigint): void {
    if (lsn > this.confirmed) this.confirmed = lsn;
    this.sendStatus();
  }

  private sendStatus(): void {
    if (this.failure || !this.stream) return;
    this.stream.write(encodeStatusUpdate(this.confirmed));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wake?.();
  }

  async close(): Promise<void> {
    this.failure ??= new Error('replication stream closed');
    this.stream?.destroy();
    await closeQuietly(this.client);
    // end() waits for the server; a client in copy-both mode may not get its answer, so make sure the socket goes.
    (
      this.client as unknown as { connection?: { stream?: { destroy(): void } } }
    ).connection?.stream?.destroy();
  }
}
