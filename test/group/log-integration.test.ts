import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { groupPartition, OFFSETS_TOPIC, openGroupCoordinator } from '../../src/group/index.js';
import { decodeOffsetCommitValue, decodeOffsetsTopicKey } from '../../src/group/offsets-topic-records.js';
import { Log } from '../../src/log/index.js';
import { joinRequest } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function openLog(dir: string) {
  return Log.open({
    dir,
    logger: pino({ level: 'silent' }),
    retentionCheckIntervalMs: 0,
    cleanerIntervalMs: 0,
    flushCheckIntervalMs: 0,
  });
}

describe('group › coordinator › on the segment log', () => {
  it('keeps committed offsets across a close and reopen of the log', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-group-'));
    dirs.push(dir);
    const topic = `orders-${Math.random().toString(36).slice(2, 8)}`;
    let log = await openLog(dir);
    await log.createTopic(topic, { partitions: 3 });
    for (let p = 0; p < 3; p++) {
      await log.append(
        topic,
        p,
        Array.from({ length: 20 }, (_, i) => ({ value: Buffer.from(`r${i}`) })),
      );
    }
    let coordinator = await openGroupCoordinator({ log });
    expect(log.describeTopic(OFFSETS_TOPIC)).toMatchObject({ partitions: 50 });
    expect(log.describeTopic(OFFSETS_TOPIC).config['cleanup.policy']).toBe('compact');

    const joined = await coordinator.joinGroup(joinRequest('app'));
    await coordinator.syncGroup({
      groupId: 'app',
      generationId: 1,
      memberId: joined.memberId,
      assignments: [],
    });
    const results = await coordinator.commitOffsets({
      groupId: 'app',
      generationId: 1,
      memberId: joined.memberId,
      offsets: [
        { topic, partition: 0, offset: 20, metadata: 'done' },
        { topic, partition: 1, offset: 7 },
        { topic, partition: 2, offset: 21 },
      ],
    });
    expect(results.map((r) => r.error?.code ?? null)).toEqual([null, null, 'OFFSET_OUT_OF_RANGE']);

    // The records are Kafka's: OffsetCommitKey/Value in the group's partition.
    const read = await log.readRecords(OFFSETS_TOPIC, groupPartition('app', 50), 0);
    const commits = read.records
      .map((r) => ({ key: decodeOffsetsTopicKey(r.key!), value: r.value }))
      .filter((r) => r.key?.kind === 'offset');
    expect(commits.map((c) => [c.key, decodeOffsetCommitValue(c.value!).offset])).toEqual([
      [{ kind: 'offset', group: 'app', topic, partition: 0 }, 20],
      [{ kind: 'offset', group: 'app', topic, partition: 1 }, 7],
    ]);

    await coordinator.close();
    await log.close();
    log = await openLog(dir);
    coordinator = await openGroupCoordinator({ log });
    const fetched = await coordinator.fetchOffsets('app');
    expect(fetched.map((o) => [o.partition, o.offset, o.metadata])).toEqual([
      [0, 20, 'done'],
      [1, 7, ''],
    ]);
    expect(await coordinator.listGroups()).toEqual([
      { groupId: 'app', protocolType: 'consumer', state: 'Empty' },
    ]);
    await coordinator.close();
    await log.close();
  });
});
