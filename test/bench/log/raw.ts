import fs from 'node:fs';
import path from 'node:path';
import { batches, emptyTally, type Subject } from './workload.js';

/**
 * The limit: the same number of bytes sluice writes per batch, written with one positional write per batch (and
 * one fdatasync per batch when durable); reading is one 1 MiB read after another, with no decoding at all.
 */
export function rawLimit(batchBytes: () => number): Subject {
  return {
    name: 'raw limit',
    note: 'one write per batch, no encoding',
    async open(dir, w, durability) {
      const file = path.join(dir, 'raw.log');
      const fd = fs.openSync(file, 'w+');
      return {
        async append() {
          const buf = Buffer.alloc(batchBytes(), 7);
          let position = 0;
          for (let b = 0; b < batches(w); b++) {
            position += fs.writeSync(fd, buf, 0, buf.length, position);
            if (durability === 'fsync') fs.fdatasyncSync(fd);
          }
          return position;
        },
        async read() {
          const t = emptyTally();
          const buf = Buffer.allocUnsafe(1 << 20);
          let position = 0;
          for (;;) {
            const n = fs.readSync(fd, buf, 0, buf.length, position);
            if (n === 0) break;
            position += n;
          }
          t.records = w.records;
          t.valueBytes = position;
          return t;
        },
        async close() {
          fs.closeSync(fd);
        },
      };
    },
  };
}
