import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TopicStore } from '../../src/log/topic-store.js';
import { tempDir } from './helpers.js';

describe('log › topic store', () => {
  let dir: string;
  let store: TopicStore;
  beforeEach(() => {
    dir = tempDir();
    store = new TopicStore(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('saves one JSON file per topic with only the overrides', async () => {
    await store.save({ name: 'a', partitions: 2, config: { 'retention.ms': 5 } });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'topics', 'a.json'), 'utf8'))).toEqual({
      partitions: 2,
      config: { 'retention.ms': 5 },
    });
    expect(store.loadAll().records).toEqual([{ name: 'a', partitions: 2, config: { 'retention.ms': 5 } }]);
  });

  it('adopts partition directories without metadata and removes leftovers of deletions', async () => {
    await store.save({ name: 'a', partitions: 1, config: {} });
    fs.mkdirSync(path.join(dir, 'a-2'));
    fs.mkdirSync(path.join(dir, 'kafka.made-0'));
    fs.mkdirSync(path.join(dir, 'kafka.made-1'));
    fs.mkdirSync(path.join(dir, 'old-0.123-delete'));
    const found = store.discover(dir);
    expect([...found.values()].sort((x, y) => x.name.localeCompare(y.name))).toEqual([
      { name: 'a', partitions: 3, config: {} },
      { name: 'kafka.made', partitions: 2, config: {} },
    ]);
    expect(fs.existsSync(path.join(dir, 'old-0.123-delete'))).toBe(false);
  });

  it('removes a topic: data directories first, then its metadata', async () => {
    await store.save({ name: 'gone', partitions: 2, config: {} });
    fs.mkdirSync(path.join(dir, 'gone-0'));
    fs.writeFileSync(path.join(dir, 'gone-0', 'x.log'), 'data');
    fs.mkdirSync(path.join(dir, 'gone-1'));
    await store.remove('gone', 2);
    expect(fs.readdirSync(dir)).toEqual(['topics']);
    expect(store.loadAll()).toEqual({ records: [], damaged: [] });
  });

  it('names a damaged metadata file, and keeps that topic closed while loading the others', async () => {
    await store.save({ name: 'good', partitions: 1, config: {} });
    fs.writeFileSync(path.join(dir, 'topics', 'bad.json'), '{"partitions": 0}');
    fs.mkdirSync(path.join(dir, 'bad-0'));
    const loaded = store.loadAll();
    expect(loaded.records.map((r) => r.name)).toEqual(['good']);
    expect(loaded.damaged).toEqual([
      {
        topic: 'bad',
        file: path.join(dir, 'topics', 'bad.json'),
        reason: expect.stringMatching(/bad\.json: "partitions" must be a positive integer/),
      },
    ]);
    fs.writeFileSync(path.join(dir, 'topics', 'bad.json'), '{');
    expect(store.loadAll().damaged[0]!.reason).toMatch(/bad\.json: not valid JSON/);
    const damaged: unknown[] = [];
    expect([...store.discover(dir, damaged as never).keys()]).toEqual(['good']);
    expect(damaged).toHaveLength(1);
  });
});
