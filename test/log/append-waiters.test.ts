import { describe, expect, it } from 'vitest';
import { AppendWaiters } from '../../src/log/append-waiters.js';

describe('log › append waiters', () => {
  it('wakes every waiter on notify and forgets them', async () => {
    const waiters = new AppendWaiters();
    const woken: number[] = [];
    const all = [1, 2, 3].map((i) => waiters.wait(60_000).then(() => woken.push(i)));
    expect(waiters.size).toBe(3);
    waiters.notify();
    await Promise.all(all);
    expect(woken.sort()).toEqual([1, 2, 3]);
    expect(waiters.size).toBe(0);
  });

  it('wakes on timeout', async () => {
    const waiters = new AppendWaiters();
    const started = Date.now();
    await waiters.wait(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(waiters.size).toBe(0);
  });

  it('wakes on abort, and at once when already aborted', async () => {
    const waiters = new AppendWaiters();
    const abort = new AbortController();
    const pending = waiters.wait(60_000, abort.signal);
    abort.abort();
    await pending;
    expect(waiters.size).toBe(0);
    await waiters.wait(60_000, abort.signal);
    expect(waiters.size).toBe(0);
  });
});
