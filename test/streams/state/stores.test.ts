import { describe, expect, it } from 'vitest';
import { Serdes } from '../../../src/streams/serdes.js';
import { KeyValueStore } from '../../../src/streams/state/key-value-store.js';
import { SessionStore } from '../../../src/streams/state/session-store.js';
import type { StateStore } from '../../../src/streams/state/state-store.js';
import { decodeWindowKey, encodeWindowKey, WindowStore } from '../../../src/streams/state/window-store.js';

describe('streams › state › key-value store', () => {
  it('records one changelog entry per changed key, holding its latest value, and tombstones for deletes', () => {
    const store = new KeyValueStore<string, number>('counts', {
      keySerde: Serdes.string,
      valueSerde: Serdes.long,
    });
    store.put('a', 1, 10);
    store.put('a', 2, 11);
    store.put('b', 1, 12);
    store.put('c', 1, 13);
    store.delete('c');
    const changes = store.takeChanges();
    expect(
      changes.map((c) => [c.key.toString(), c.value && Serdes.long.deserialize(c.value, 't'), c.timestamp]),
    ).toEqual([
      ['a', 2, 11],
      ['b', 1, 12],
      ['c', null, 0],
    ]);
    expect(store.takeChanges()).toEqual([]);
  });

  it('restores from its changelog to the same contents, and restoring is not a change', () => {
    const store = new KeyValueStore<{ id: number }, string>('s');
    for (let i = 0; i < 20; i++) store.put({ id: i }, `v${i}`, i);
    store.delete({ id: 7 });
    const restored = new KeyValueStore<{ id: number }, string>('s');
    for (const record of store.takeChanges()) restored.restore(record);
    expect(restored.all()).toEqual(store.all());
    expect(restored.get({ id: 3 })).toBe('v3');
    expect(restored.get({ id: 7 })).toBeUndefined();
    expect(restored.takeChanges()).toEqual([]);
  });

  it('answers range queries in key order with inclusive, optional bounds', () => {
    const store = new KeyValueStore<number, string>('n');
    for (const n of [5, 1, 10, 3, 8]) store.put(n, `v${n}`, 0);
    expect(store.range(3, 8).map((e) => e.key)).toEqual([3, 5, 8]);
    expect(store.range(undefined, 3).map((e) => e.key)).toEqual([1, 3]);
    expect(store.range(8).map((e) => e.key)).toEqual([8, 10]);
  });
});

describe('streams › state › window store', () => {
  it('encodes changelog keys as key bytes, start and end (int64 big-endian)', () => {
    const encoded = encodeWindowKey(Buffer.from('k'), { start: 2 ** 40 + 5, end: 2 ** 40 + 65 });
    expect(encoded.toString('hex')).toBe(`6b${'0000010000000005'}${'0000010000000041'}`);
    expect(decodeWindowKey(encoded)).toEqual({
      keyBytes: Buffer.from('k'),
      window: { start: 2 ** 40 + 5, end: 2 ** 40 + 65 },
    });
  });

  it('fetches windows by key and start, restores from its changelog, and expires old windows', () => {
    const store = new WindowStore<string, number>('w', { keySerde: Serdes.string, valueSerde: Serdes.long });
    store.put('a', { start: 0, end: 10 }, 1, 3);
    store.put('a', { start: 10, end: 20 }, 2, 13);
    store.put('b', { start: 10, end: 20 }, 5, 15);
    store.put('a', { start: 20, end: 30 }, 7, 25);
    store.delete('a', 20);
    expect(store.fetch('a').map((e) => e.value)).toEqual([1, 2]);
    expect(store.fetch('a', 5, 15).map((e) => e.window)).toEqual([{ start: 10, end: 20 }]);
    expect(store.fetchAll(10, 10).map((e) => [e.key, e.value])).toEqual([
      ['a', 2],
      ['b', 5],
    ]);
    const restored = new WindowStore<string, number>('w', {
      keySerde: Serdes.string,
      valueSerde: Serdes.long,
    });
    for (const record of store.takeChanges()) restored.restore(record);
    expect(restored.fetchAll()).toEqual(store.fetchAll());
    expect(restored.size).toBe(3);
    restored.expire(15);
    expect(restored.fetchAll().map((e) => e.window.start)).toEqual([10, 10]);
  });
});

describe('streams › state › session store', () => {
  it('finds the sessions of a key that overlap a range', () => {
    const store = new SessionStore<string, number>('s');
    store.put('a', { start: 0, end: 5 }, 2, 5);
    store.put('a', { start: 20, end: 30 }, 3, 30);
    store.put('b', { start: 0, end: 100 }, 9, 100);
    expect(store.findSessions('a', 4, 21).map((s) => s.window)).toEqual([
      { start: 0, end: 5 },
      { start: 20, end: 30 },
    ]);
    expect(store.findSessions('a', 6, 19)).toEqual([]);
    const restored = new SessionStore<string, number>('s');
    for (const record of store.takeChanges()) restored.restore(record);
    expect(restored.findSessions('b', 50, 50).map((s) => s.value)).toEqual([9]);
  });
});

describe('streams › state › changelog cleanup', () => {
  it('compacts key-value changelogs and also expires window and session changelogs by time', () => {
    expect((new KeyValueStore('a') as StateStore).changelogCleanupPolicy).toBeUndefined();
    expect(new WindowStore('b').changelogCleanupPolicy).toBe('compact,delete');
    expect(new SessionStore('c').changelogCleanupPolicy).toBe('compact,delete');
  });
});
