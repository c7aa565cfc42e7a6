import { connect, type Socket } from 'node:net';
import { codecFor } from '../../../src/broker/protocol/codec.js';
import { writeRequestHeader } from '../../../src/broker/protocol/header.js';
import { APIS } from '../../../src/broker/protocol/messages/index.js';
import { Reader } from '../../../src/broker/protocol/reader.js';
import { inVersions } from '../../../src/broker/protocol/schema.js';
import { Writer } from '../../../src/broker/protocol/writer.js';

/**
 * A bare Kafka-protocol client for tests: sends requests encoded with the broker's own codecs and matches
 * responses by correlation id, or sends raw bytes.
 */
export class WireClient {
  private buffered = Buffer.alloc(0);
  private readonly waiting: ((frame: Buffer) => void)[] = [];
  private nextCorrelation = 1;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const size = this.buffered.readInt32BE(0);
        const frame = this.buffered.subarray(4, 4 + size);
        this.buffered = this.buffered.subarray(4 + size);
        this.waiting.shift()?.(frame);
      }
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static connect(port: number): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new WireClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Encodes a request frame (size, header, body). */
  static frame(
    apiKey: number,
    version: number,
    body: object,
    correlationId: number,
    clientId = 'test',
  ): Buffer {
    const api = APIS.get(apiKey)!;
    const w = new Writer();
    const flexible = inVersions(api.request.flexibleVersions, version);
    writeRequestHeader(w, { apiKey, apiVersion: version, correlationId, clientId }, flexible);
    codecFor(api.request, version).encode(w, body as Record<string, unknown>);
    const out = w.toBuffer();
    const size = Buffer.alloc(4);
    size.writeInt32BE(out.length);
    return Buffer.concat([size, out]);
  }

  /** The next response frame (without its size), raw. */
  nextFrame(): Promise<Buffer> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends a request and decodes its response; header v0/v1 follows the same rules as the broker. */
  async request<T = Record<string, unknown>>(apiKey: number, version: number, body: object): Promise<T> {
    const correlationId = this.nextCorrelation++;
    const response = this.nextFrame();
    this.sendRaw(WireClient.frame(apiKey, version, body, correlationId));
    return WireClient.decode<T>(apiKey, version, await response, correlationId);
  }

  static decode<T>(apiKey: number, version: number, frame: Buffer, correlationId?: number): T {
    const api = APIS.get(apiKey)!;
    const r = new Reader(frame);
    const got = r.int32();
    if (correlationId !== undefined && got !== correlationId) {
      throw new Error(`correlation id ${got}, expected ${correlationId}`);
    }
    if (apiKey !== 18 && inVersions(api.response.flexibleVersions, version)) r.uvarint();
    return codecFor(api.response, version).decode(r) as T;
  }

  close(): void {
    this.socket.destroy();
  }
}
