interface Waiter {
  resolve: () => void;
  timer: NodeJS.Timeout;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * Readers waiting for a partition to grow (long poll). An append wakes all of them; each also wakes on its
 * timeout or when its AbortSignal fires. Nothing polls: a waiter costs one timer until it is woken.
 */
export class AppendWaiters {
  private readonly waiters = new Set<Waiter>();

  /** Resolves at the next append, after `timeoutMs`, on abort, or when the partition closes. Never rejects. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => this.wake(waiter), timeoutMs),
        signal,
        onAbort: () => this.wake(waiter),
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  get size(): number {
    return this.waiters.size;
  }

  /** Wakes every waiter. */
  notify(): void {
    if (this.waiters.size === 0) return;
    for (const waiter of [...this.waiters]) this.wake(waiter);
  }

  private wake(waiter: Waiter): void {
    if (!this.waiters.delete(waiter)) return;
    clearTimeout(waiter.timer);
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
    waiter.resolve();
  }
}
