import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../src/group/index.js';

describe('group › scheduler › manual', () => {
  it('fires due timers in order of due time, including ones scheduled while advancing', async () => {
    const s = new ManualScheduler(0);
    const fired: string[] = [];
    s.setTimeout(() => fired.push(`b@${s.now()}`), 20);
    s.setTimeout(() => {
      fired.push(`a@${s.now()}`);
      s.setTimeout(() => fired.push(`c@${s.now()}`), 5);
    }, 10);
    s.setTimeout(() => fired.push('late'), 100);
    await s.advance(50);
    expect(fired).toEqual(['a@10', 'c@15', 'b@20']);
    expect(s.now()).toBe(50);
    expect(s.pending).toBe(1);
  });

  it('never fires a cancelled timer', async () => {
    const s = new ManualScheduler(0);
    let fired = false;
    s.setTimeout(() => (fired = true), 10).cancel();
    await s.advance(20);
    expect(fired).toBe(false);
    expect(s.pending).toBe(0);
  });

  it('lets promise callbacks run between timers', async () => {
    const s = new ManualScheduler(0);
    const seen: number[] = [];
    const sleep = (ms: number) => new Promise<void>((resolve) => s.setTimeout(resolve, ms));
    void (async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(10);
        seen.push(s.now());
      }
    })();
    await s.advance(35);
    expect(seen).toEqual([10, 20, 30]);
  });
});
