import type pg from 'pg';

/**
 * `COPY ... TO STDOUT` read straight off the connection's socket, its framing cut out in place: what the reader
 * gets is the COPY text of whole messages, chunk by chunk, with no object per row.
 *
 * The messages of a COPY out (frontend/backend protocol v3), after the `Query`:
 *
 *   CopyOutResponse => 'H' int32:length int8:format int16:columns [int16:format]
 *   CopyData        => 'd' int32:length bytes        (a COPY TO sends one per row)
 *   CopyDone        => 'c' int32:4
 *
 * then CommandComplete and ReadyForQuery, which pg reads again; an ErrorResponse may come at any point, and pg
 * reads it and what follows. NoticeResponse, ParameterStatus and NotificationResponse may come in between and
 * are skipped. A length counts itself, not the code byte.
 *
 * Hand-written for speed, in place of pg-copy-streams' reader, which takes a slice of the socket's chunk per row
 * (an object per row for the collector), copies every chunk once more and hands it through a Readable and its
 * async iterator. Read alone, the COPY of 1M rows of 10 columns (121 MB of text) cost the same with either, 0.7
 * to 1.1 µs per row, most of it the socket's reads; in the query source's worker, with the field-by-field
 * writing of copy-json.ts, the CPU per row went from 3.75–4.70 µs to 3.06–3.91 (`npm run bench -- postgres`,
 * three runs of each side by side at a load average of 8 to 11).
 */

enum Message {
  CopyOutResponse = 0x48, // H
  CopyData = 0x64, // d
  CopyDone = 0x63, // c
  ErrorResponse = 0x45, // E
}

/** Bytes of socket chunks queued before the socket is paused; it is resumed once half of them are read. */
const HIGH_WATER_BYTES = 1024 * 1024;

/** What pg hands a submitted query: its connection, whose `stream` is the socket. */
interface Connection {
  stream: NodeJS.ReadableStream & NodeJS.EventEmitter & { destroy(): void };
  query(text: string): void;
}

type Waiter = { resolve(chunk: Buffer | null): void; reject(error: unknown): void };

/**
 * A `COPY (query) TO STDOUT` under way on a pg client (see the header comment for its messages). Submit it with
 * `client.query(copy)`; {@link CopyOut.next} gives its text chunk by chunk. While it runs, the socket's data is
 * read here rather than by pg; after CopyDone (or an ErrorResponse) pg reads the rest again and the client is
 * free for the next query.
 */
export class CopyOut implements pg.Submittable {
  /** CopyData messages read so far: the rows of a COPY TO. */
  messages = 0;
  private connection: Connection | undefined;
  private pgListener: ((chunk: Buffer) => void) | undefined;
  private readonly onData = (chunk: Buffer) => this.receive(chunk);
  /** Socket chunks not yet read, oldest first, from `head` on. */
  private queue: Buffer[] = [];
  private head = 0;
  /** Where the head chunk's unread bytes start. */
  private offset = 0;
  private queued = 0;
  private paused = false;
  /** The start of a message cut by the end of the last chunk. */
  private partial: Buffer | null = null;
  /** 'copying' until CopyDone; 'failing' once an ErrorResponse went to pg, until pg reports it. */
  private state: 'copying' | 'done' | 'failing' | 'failed' | 'closed' = 'copying';
  private error: unknown;
  private waiter: Waiter | undefined;

  constructor(private readonly text: string) {}

  submit(connection: unknown): void {
    const c = connection as Connection;
    this.connection = c;
    const listeners = c.stream.listeners('data');
    if (listeners.length !== 1) throw new Error(`expected pg's one data listener, found ${listeners.length}`);
    this.pgListener = listeners[0] as (chunk: Buffer) => void;
    c.stream.removeListener('data', this.pgListener);
    c.stream.on('data', this.onData);
    c.query(this.text);
  }

  /** The next chunk of COPY text (whole messages' data), or null once the COPY is done; throws what failed it. */
  next(): Promise<Buffer | null> {
    for (;;) {
      if (this.state === 'failed' || this.state === 'closed')
        return Promise.reject(this.error ?? new Error('the COPY was closed'));
      if (this.state === 'done') return Promise.resolve(null);
      if (this.state === 'failing' || this.head === this.queue.length) {
        return new Promise((resolve, reject) => {
          this.waiter = { resolve, reject };
        });
      }
      const text = this.take();
      if (text !== null && text.length > 0) return Promise.resolve(text);
    }
  }

  /**
   * Abandons the COPY: what the server still sends is read and dropped, so the socket can close; the connection
   * is left mid-COPY and must be ended by the caller.
   */
  close(): void {
    if (this.state !== 'copying') return;
    this.state = 'closed';
    this.queue = [];
    this.head = 0;
    this.queued = 0;
    this.partial = null;
    if (this.paused) this.connection?.stream.resume();
  }

  /** pg's report of an ErrorResponse, or of the connection's end. */
  handleError(error: unknown): void {
    if (this.state === 'copying') this.detach(null);
    this.error = error;
    this.state = 'failed';
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(error);
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {}

  private receive(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (!this.paused && this.queued >= HIGH_WATER_BYTES) {
      this.paused = true;
      this.connection!.stream.pause();
    }
    const waiter = this.waiter;
    if (waiter === undefined) return;
    this.waiter = undefined;
    this.next().then(waiter.resolve, waiter.reject);
  }

  /**
   * The text of the next queued chunk's whole CopyData messages, framing cut out, in the chunk itself. A message
   * cut by the end of the last chunk is completed alone first (copying only its own bytes) and its text returned
   * by itself; the rest of the chunk comes with the next call.
   */
  private take(): Buffer | null {
    const chunk = this.queue[this.head]!;
    const from = this.offset;
    const partial = this.partial;
    if (partial === null) {
      this.consumeHead();
      return this.deframe(chunk, from);
    }
    // The cut message's length, once its header is in.
    let head = partial;
    let at = from;
    if (head.length < 5) {
      const more = Math.min(5 - head.length, chunk.length - at);
      head = Buffer.concat([head, chunk.subarray(at, at + more)]);
      at += more;
    }
    const need = head.length < 5 ? Number.POSITIVE_INFINITY : 1 + head.readUInt32BE(1) - head.length;
    if (chunk.length - at < need) {
      this.partial = Buffer.concat([head, chunk.subarray(at)]);
      this.consumeHead();
      return null;
    }
    this.partial = null;
    const message = Buffer.concat([head, chunk.subarray(at, at + need)]);
    if (at + need === chunk.length) this.consumeHead();
    else this.offset = at + need;
    return this.deframe(message, 0);
  }

  /** Drops the head chunk from the queue, resuming the socket once half the queued bytes are read. */
  private consumeHead(): void {
    const chunk = this.queue[this.head]!;
    this.queue[this.head++] = undefined as unknown as Buffer;
    this.offset = 0;
    if (this.head > 64 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.queued -= chunk.length;
    if (this.paused && this.queued < HIGH_WATER_BYTES / 2) {
      this.paused = false;
      this.connection!.stream.resume();
    }
  }

  /**
   * Cuts the framing out of the messages of `data` from `from` on, moving their text to `from` onwards; keeps
   * the start of a message its end cuts in `partial`, and hands the socket back to pg after CopyDone or at an
   * ErrorResponse.
   */
  private deframe(data: Buffer, from: number): Buffer {
    const n = data.length;
    let r = from;
    let w = from;
    let messages = 0;
    while (r + 5 <= n) {
      const code = data[r]!;
      const end = r + 1 + data.readUInt32BE(r + 1);
      if (code === Message.CopyData) {
        if (end > n) break;
        data.copyWithin(w, r + 5, end);
        w += end - r - 5;
        messages++;
        r = end;
      } else if (code === Message.CopyDone) {
        this.messages += messages;
        this.state = 'done';
        this.detach(data.subarray(end));
        return data.subarray(from, w);
      } else if (code === Message.ErrorResponse) {
        this.messages += messages;
        this.state = 'failing';
        this.detach(data.subarray(r));
        return data.subarray(from, w);
      } else {
        // CopyOutResponse, or a notice, parameter status or notification in between.
        if (end > n) break;
        r = end;
      }
    }
    this.messages += messages;
    if (r < n) this.partial = data.subarray(r);
    return data.subarray(from, w);
  }

  /** Gives the socket back to pg, with what is left of the chunk being read and every chunk queued after it. */
  private detach(rest: Buffer | null): void {
    const stream = this.connection!.stream;
    const pgListener = this.pgListener!;
    stream.removeListener('data', this.onData);
    stream.on('data', pgListener);
    // What follows `rest`: the unread part of the head chunk (when `rest` is a message completed apart), then
    // every chunk after it.
    const queued = this.queue.slice(this.head);
    if (queued.length > 0 && this.offset > 0) queued[0] = queued[0]!.subarray(this.offset);
    this.queue = [];
    this.head = 0;
    this.offset = 0;
    this.queued = 0;
    if (rest !== null && rest.length > 0) pgListener(rest);
    for (const chunk of queued) pgListener(chunk);
    if (this.paused) {
      this.paused = false;
      stream.resume();
    }
  }
}
