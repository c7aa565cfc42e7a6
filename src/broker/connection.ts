import type { Socket } from 'node:net';
import type { BrokerContext, RequestInfo } from './broker-context.js';
import { FrameDecoder } from './frame-decoder.js';
import { HANDLERS, writeUnsupportedApiVersions } from './handlers/index.js';
import { ApiKey } from './protocol/api-keys.js';
import { codecFor } from './protocol/codec.js';
import { readRequestHeader, skipHeaderTags, writeResponseHeader } from './protocol/header.js';
import { ProtocolError } from './protocol/protocol-error.js';
import { Reader } from './protocol/reader.js';
import { inVersions, parseVersions } from './protocol/schema.js';
import { Writer } from './protocol/writer.js';
import { SaslSession, SaslStateError } from './security/sasl-session.js';

/** Requests in progress beyond this pause reading from the socket until responses catch up. */
const MAX_IN_FLIGHT = 64;

/**
 * One client connection. Each request starts as soon as it arrives — so a producer's pipelined acks=all requests
 * share one fsync — but responses are written strictly in arrival order: Kafka guarantees this per connection and
 * clients match responses by it, so a request behind a long-polling Fetch waits for the Fetch's answer. Requests
 * start in arrival order, so appends to a partition happen in the order they were sent. Bytes that do not parse
 * close this connection (with a log line) and nothing else.
 */
export class Connection {
  private readonly decoder: FrameDecoder;
  /** Responses in arrival order; null for a request that gets none (acks=0). */
  private readonly inFlight: Promise<Writer | null>[] = [];
  private readonly aborter = new AbortController();
  private readonly clientHost: string;
  private writing: Promise<void> | null = null;
  private draining = false;
  private closed = false;
  private waitingForMemory = false;
  /** The SASL exchange, when the broker asks for one; requests wait for it to succeed. */
  private readonly sasl: SaslSession | null;
  /** Settles once the socket is closed. */
  readonly closedPromise: Promise<void>;

  constructor(
    private readonly socket: Socket,
    private readonly ctx: BrokerContext,
  ) {
    this.decoder = new FrameDecoder(ctx.config['socket.request.max.bytes'], (size) =>
      ctx.memory.tryReserve(size),
    );
    this.clientHost = `/${socket.remoteAddress ?? 'unknown'}`;
    this.sasl = ctx.saslUsers ? new SaslSession(ctx.saslUsers) : null;
    this.closedPromise = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.setNoDelay(true);
    // connections.max.idle.ms: the timer restarts with every byte in or out.
    socket.setTimeout(ctx.config['connections.max.idle.ms']);
    socket.on('timeout', () => this.onIdle());
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.ctx.logger.debug({ err, client: this.clientHost }, 'connection error'));
    socket.on('close', () => this.onClose());
  }

  private onData(chunk: Buffer): void {
    if (this.closed || this.draining) return;
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.fail(err);
      return;
    }
    for (const frame of frames) {
      const response = this.handle(frame);
      // The frame's reserved bytes go back to queued.max.request.bytes once it is served.
      const release = () => this.ctx.memory.release(frame.length);
      response.then(release, release);
      // Rejections are taken up in order by the writer; this keeps Node from reporting them early.
      response.catch(() => {});
      this.inFlight.push(response);
    }
    if (this.decoder.blocked && !this.waitingForMemory) {
      // The next request does not fit queued.max.request.bytes: stop reading until memory is freed.
      this.waitingForMemory = true;
      this.socket.pause();
      this.ctx.memory.whenFreed(() => {
        this.waitingForMemory = false;
        if (this.closed) return;
        this.onData(Buffer.alloc(0));
        if (!this.decoder.blocked && this.inFlight.length < MAX_IN_FLIGHT && !this.draining)
          this.socket.resume();
      });
    }
    if (this.inFlight.length >= MAX_IN_FLIGHT) this.socket.pause();
    this.writing ??= this.writeInOrder().finally(() => {
      this.writing = null;
    });
  }

  private async writeInOrder(): Promise<void> {
    while (this.inFlight.length > 0 && !this.closed) {
      try {
        const response = await this.inFlight[0];
        if (response && !this.closed) this.write(response);
        if (this.sasl?.closeAfterAnswer) {
          // A failed SASL exchange: its error is answered, then the connection closes, as Kafka does.
          this.ctx.logger.info({ client: this.clientHost }, 'closing connection: SASL authentication failed');
          this.inFlight.length = 0;
          this.socket.end();
          this.socket.destroySoon?.();
          return;
        }
      } catch (err) {
        this.fail(err);
        return;
      }
      this.inFlight.shift();
      if (
        this.inFlight.length < MAX_IN_FLIGHT / 2 &&
        this.socket.isPaused() &&
        !this.draining &&
        !this.waitingForMemory
      ) {
        this.socket.resume();
      }
    }
  }

  /** Decodes, serves and encodes one request; null when no response is due (acks=0). */
  private async handle(frame: Buffer): Promise<Writer | null> {
    if (this.sasl?.rawTokens) return this.rawSaslToken(frame);
    const r = new Reader(frame);
    const header = readRequestHeader(r);
    const entry = HANDLERS.get(header.apiKey);
    if (!entry) throw new ProtocolError(`unknown API key ${header.apiKey} from client ${header.clientId}`);
    const { api } = entry;
    this.sasl?.check(header.apiKey, api.name);
    const w = new Writer();
    if (!inVersions(api.request.validVersions, header.apiVersion)) {
      if (header.apiKey !== ApiKey.ApiVersions) {
        const { min, max } = parseVersions(api.request.validVersions);
        throw new ProtocolError(
          `${api.name} v${header.apiVersion} is not supported (versions ${min}–${max}); the client should have asked ApiVersions first`,
        );
      }
      writeResponseHeader(w, header.correlationId, 0);
      writeUnsupportedApiVersions(w, this.sasl !== null);
      return w;
    }
    const flexible = inVersions(api.request.flexibleVersions, header.apiVersion);
    if (flexible) skipHeaderTags(r);
    const request = codecFor(api.request, header.apiVersion).decode(r);
    const info: RequestInfo = {
      apiVersion: header.apiVersion,
      clientId: header.clientId,
      clientHost: this.clientHost,
      signal: this.aborter.signal,
      sasl: this.sasl,
    };
    const response = await entry.handle(this.ctx, request as never, info);
    if (response === null) return null;
    // ApiVersions responses always use header v0, whatever the version, so a client can read them before it
    // knows what the broker speaks.
    writeResponseHeader(w, header.correlationId, flexible && header.apiKey !== ApiKey.ApiVersions ? 1 : 0);
    codecFor(api.response, header.apiVersion).encode(w, response as Record<string, unknown>);
    return w;
  }

  /** After SaslHandshake v0 a frame is a bare SASL token, answered with a bare token; a failure just closes. */
  private async rawSaslToken(frame: Buffer): Promise<Writer> {
    const answer = await this.sasl!.authenticate(frame);
    if (answer.errorCode !== 0) throw new SaslStateError(answer.errorMessage ?? 'SASL authentication failed');
    return new Writer().raw(answer.authBytes);
  }

  private write(w: Writer): void {
    const size = Buffer.allocUnsafe(4);
    size.writeInt32BE(w.length, 0);
    this.socket.cork();
    this.socket.write(size);
    for (const chunk of w.chunksOut()) this.socket.write(chunk);
    this.socket.uncork();
  }

  private fail(err: unknown): void {
    if (err instanceof SaslStateError) {
      this.ctx.logger.warn(
        { client: this.clientHost, reason: err.message },
        'closing connection: not authenticated',
      );
      this.destroy();
      return;
    }
    const protocol = err instanceof ProtocolError;
    this.ctx.logger.warn(
      { client: this.clientHost, err: protocol ? (err as Error).message : err },
      protocol ? 'closing connection: malformed request' : 'closing connection: request failed',
    );
    this.destroy();
  }

  private onClose(): void {
    this.closed = true;
    this.aborter.abort();
    // A frame admitted but cut off by the close gives its reservation back.
    const pending = this.decoder.admittedPending;
    if (pending > 0) this.ctx.memory.release(pending);
  }

  private onIdle(): void {
    if (this.inFlight.length > 0) {
      this.socket.setTimeout(this.ctx.config['connections.max.idle.ms']);
      return;
    }
    this.ctx.logger.debug({ client: this.clientHost }, 'closing connection idle for connections.max.idle.ms');
    this.destroy();
  }

  /** Closes at once, aborting a long poll in progress. */
  destroy(): void {
    this.closed = true;
    this.aborter.abort();
    this.socket.destroy();
  }

  /**
   * Stops reading new requests, lets those in progress finish and answers them (long polls are cut short), then
   * closes. Bytes not yet read are dropped: the client retries them after a restart.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    this.socket.pause();
    this.aborter.abort();
    const running = this.writing ?? Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([running, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.socket.end();
    this.socket.destroySoon?.();
    await Promise.race([this.closedPromise, new Promise((resolve) => setTimeout(resolve, 200).unref())]);
    this.destroy();
  }
}
