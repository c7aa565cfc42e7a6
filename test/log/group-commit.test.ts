import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/log/group-commit.js';

/** A sync whose completions the test controls. */
function controlledSync() {
  const pending: (() => void)[] = [];
  let calls = 0;
  const commit = new GroupCommit(() => {
    calls++;
    return new Promise<void>((resolve) => pending.push(resolve));
  });
  return { commit, calls: () => calls, finish: () => pending.shift()!() };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('log › group commit', () => {
  it('shares one sync among the callers that arrive while another runs', async () => {
    const { commit, calls, finish } = controlledSync();
    const first = commit.sync();
    const waiting = Array.from({ length: 10 }, () => commit.sync());
    expect(calls()).toBe(1);
    finish();
    await first;
    await tick();
    expect(calls()).toBe(2); // one more for all ten
    finish();
    await Promise.all(waiting);
    expect(calls()).toBe(2);
  });

  it('never resolves a caller with a sync that started before it', async () => {
    const { commit, calls, finish } = controlledSync();
    const first = commit.sync();
    let secondDone = false;
    const second = commit.sync().then(() => (secondDone = true));
    finish();
    await first;
    await tick();
    expect(secondDone).toBe(false);
    finish();
    await second;
    expect(calls()).toBe(2);
  });

  it('passes a failure to every caller of that sync', async () => {
    const commit = new GroupCommit(() => Promise.reject(new Error('EIO')));
    await expect(Promise.all([commit.sync(), commit.sync()])).rejects.toThrowError('EIO');
    await commit.idle();
  });
});
