/**
 * The broker's budget for request bytes, `queued.max.request.bytes`, shared by every connection, as Kafka's
 * MemoryPool is: a connection reserves a request's size as soon as the size prefix arrives, before buffering its
 * bytes, and frees it once the request is served. A request that does not fit leaves its connection unread
 * (muted) until memory is freed; requests already admitted always complete, so the broker cannot deadlock on it.
 * The whole budget bounds what unfinished frames can hold, however many connections send them.
 */
export class RequestMemory {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly budget: number) {}

  get reserved(): number {
    return this.used;
  }

  /** Reserves `bytes` if they fit; false otherwise (call {@link whenFreed} to be told when to try again). */
  tryReserve(bytes: number): boolean {
    if (this.used + bytes > this.budget && this.used > 0) return false;
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.used -= bytes;
    for (const wake of this.waiting.splice(0)) wake();
  }

  /** Runs `retry` once some memory is freed. */
  whenFreed(retry: () => void): void {
    this.waiting.push(retry);
  }
}
