import path from 'node:path';
import Database from 'better-sqlite3';
import { batches, emptyTally, makeValues, type Subject, tally } from './workload.js';

/**
 * better-sqlite3 in WAL mode with one transaction per batch: the embedded queue Node users usually reach for.
 * Without fsync it runs `synchronous=NORMAL` (WAL syncs only at checkpoints); durable, `synchronous=FULL`
 * (the WAL is synced at every commit).
 */
export const sqlite: Subject = {
  name: 'better-sqlite3',
  async open(dir, w, durability) {
    const db = new Database(path.join(dir, 'queue.db'));
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${durability === 'fsync' ? 'FULL' : 'NORMAL'}`);
    db.exec('CREATE TABLE log (seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, key BLOB, value BLOB)');
    const insert = db.prepare('INSERT INTO log (ts, key, value) VALUES (?, ?, ?)');
    const appendBatch = db.transaction((values: Buffer[], ts: number) => {
      for (const v of values) insert.run(ts, null, v);
    });
    const page = db.prepare('SELECT seq, ts, key, value FROM log WHERE seq > ? ORDER BY seq LIMIT ?');
    return {
      async append() {
        const values = makeValues(w);
        for (let b = 0; b < batches(w); b++) appendBatch(values, Date.now());
        return 0;
      },
      async read() {
        const t = emptyTally();
        let after = 0;
        for (;;) {
          const rows = page.all(after, w.batchSize) as {
            seq: number;
            ts: number;
            key: Buffer | null;
            value: Buffer;
          }[];
          if (rows.length === 0) return t;
          for (const r of rows) tally(t, r.seq - 1, r.ts, r.value);
          after = rows[rows.length - 1].seq;
        }
      },
      async close() {
        db.close();
      },
    };
  },
};
