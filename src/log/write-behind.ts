import { writevAt } from './fs-util.js';

interface Waiter {
  end: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The bytes appended to a `.log` but not yet handed to the kernel, written in order from the thread pool. A
 * write() on the event loop can block for as long as an fdatasync of the same file takes (the kernel holds the
 * file's tail page or its journal for it), which stalls every connection of a broker; queued here, the appends
 * that arrive during one write go out together in the next writev. Positions are file offsets: the queue always
 * starts at `end - unwritten`.
 */
export class WriteBehind {
  private queue: Buffer[] = [];
  /** Bytes queued or being written. */
  private unwritten = 0;
  private running = false;
  private waiters: Waiter[] = [];
  private error: unknown;

  constructor(
    private readonly fd: number,
    /** The file's logical end: where the next append goes. */
    private readonly end: () => number,
  ) {}

  /** Whether bytes are still on their way to the kernel. */
  get busy(): boolean {
    return this.unwritten > 0;
  }

  /**
   * Queues `buf`, which the caller has already counted into `end()`, and resolves once the kernel has it. The
   * caller must leave `buf` unchanged until then.
   */
  push(buf: Buffer): Promise<void> {
    if (this.error !== undefined) return Promise.reject(this.error);
    this.queue.push(buf);
    this.unwritten += buf.length;
    const written = this.until(this.end());
    if (!this.running) void this.run();
    return written;
  }

  /** Resolves once every byte before `position` is written (at once when none is pending). */
  until(position: number): Promise<void> {
    if (this.error !== undefined) return Promise.reject(this.error);
    if (this.end() - this.unwritten >= position) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ end: position, resolve, reject }));
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const bufs = this.queue;
        this.queue = [];
        let bytes = 0;
        for (const b of bufs) bytes += b.length;
        await writevAt(this.fd, bufs, this.end() - this.unwritten);
        this.unwritten -= bytes;
        const written = this.end() - this.unwritten;
        const due = this.waiters.filter((w) => w.end <= written);
        if (due.length > 0) this.waiters = this.waiters.filter((w) => w.end > written);
        for (const w of due) w.resolve();
      }
    } catch (err) {
      this.error = err;
      for (const w of this.waiters) w.reject(err);
      this.waiters = [];
    } finally {
      this.running = false;
    }
  }
}
