import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Harness } from '../../connect/conformance/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await Harness.create();
});
afterEach(async () => {
  await h.dispose();
});

describe('connectors › csv › source › cleanup through a worker', () => {
  it('moves each file once its last row is committed, without waiting for offset.flush.interval.ms', async () => {
    const input = path.join(h.dir, 'in');
    await mkdir(input);
    for (const name of ['a.csv', 'b.csv'])
      await writeFile(
        path.join(input, name),
        `id,file\n${[1, 2, 3].map((i) => `${i},${name}`).join('\n')}\n`,
      );
    // An hour between periodic commits: only the task's own requests can get the files cleaned up and the task
    // finished within the test's timeout.
    const worker = await h.startWorker({ 'offset.flush.interval.ms': 3_600_000 });
    await worker.create({
      name: 'csv',
      'connector.class': 'csv',
      topic: 'rows',
      'input.path': input,
      'input.finite': true,
      'empty.poll.wait.ms': 50,
    });
    await worker.finished('csv');
    expect((await readdir(path.join(input, '.finished'))).sort()).toEqual(['a.csv', 'b.csv']);
    expect(existsSync(path.join(input, '.processing', '0', 'a.csv'))).toBe(false);
    const rows = await h.readTopic('rows');
    expect(rows.map((r) => r.value)).toHaveLength(6);
  });
});
