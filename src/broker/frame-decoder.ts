import { ProtocolError } from './protocol/protocol-error.js';

/**
 * Splits a byte stream into Kafka frames: an int32 size followed by that many bytes. Chunks are kept as they come
 * and joined only once a whole frame is there, so a large Produce request is copied once.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private expected = -1;
  /** The size of the next frame was read but `admit` refused it: nothing more is decoded until it accepts. */
  private waiting = false;

  /**
   * `admit(size)` is asked once per frame, as soon as its size is known; while it answers false the decoder holds
   * what it has and returns no frames (the caller stops reading the socket and pushes an empty chunk to retry).
   */
  constructor(
    private readonly maxFrameBytes: number,
    private readonly admit: (size: number) => boolean = () => true,
  ) {}

  /** True while the next frame waits for `admit`. */
  get blocked(): boolean {
    return this.waiting;
  }

  /** Bytes received but not yet returned as a frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Adds received bytes and returns every frame they complete. Throws ProtocolError on an impossible size. */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Buffer[] = [];
    for (;;) {
      if (this.expected < 0) {
        if (this.buffered < 4) break;
        const size = this.take(4).readInt32BE(0);
        if (size < 0 || size > this.maxFrameBytes) {
          throw new ProtocolError(
            `request of ${size} bytes exceeds socket.request.max.bytes=${this.maxFrameBytes} or is negative`,
          );
        }
        this.expected = size;
        this.waiting = true;
      }
      if (this.waiting) {
        if (!this.admit(this.expected)) break;
        this.waiting = false;
      }
      if (this.buffered < this.expected) break;
      frames.push(this.take(this.expected));
      this.expected = -1;
    }
    return frames;
  }

  /** Bytes admitted for the frame being received, not yet returned (0 when none is). */
  get admittedPending(): number {
    return this.expected >= 0 && !this.waiting ? this.expected : 0;
  }

  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0];
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const c = this.chunks[0];
        const used = Math.min(c.length, n - filled);
        c.copy(out, filled, 0, used);
        filled += used;
        if (used === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(used);
      }
    }
    this.buffered -= n;
    return out;
  }
}
