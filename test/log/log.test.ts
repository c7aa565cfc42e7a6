import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  InvalidPartitionsError,
  InvalidTopicError,
  LogClosedError,
  TopicExistsError,
  UnknownPartitionError,
  UnknownTopicError,
} from '../../src/errors.js';
import type { Log } from '../../src/log/index.js';
import { openLog, records, tempDir } from './helpers.js';

describe('log › topics', () => {
  let dir: string;
  let log: Log;
  beforeEach(async () => {
    dir = tempDir();
    log = await openLog(dir);
  });
  afterEach(async () => {
    await log.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates a directory per partition, named <topic>-<partition>', async () => {
    const description = await log.createTopic('orders', { partitions: 3, config: { 'retention.ms': 1000 } });
    expect(description.name).toBe('orders');
    expect(description.partitions).toBe(3);
    expect(description.config['retention.ms']).toBe(1000);
    expect(description.config['segment.bytes']).toBe(1 << 30);
    for (const p of [0, 1, 2]) {
      expect(fs.readdirSync(path.join(dir, `orders-${p}`))).toContain('00000000000000000000.log');
    }
    expect(log.listTopics()).toEqual(['orders']);
    expect(log.hasTopic('orders')).toBe(true);
    expect(log.describeTopic('orders')).toEqual(description);
  });

  it('refuses bad names, duplicates and bad partition counts with typed errors', async () => {
    await expect(log.createTopic('../escape')).rejects.toThrowError(InvalidTopicError);
    await log.createTopic('a');
    await expect(log.createTopic('a')).rejects.toThrowError(TopicExistsError);
    await expect(log.createTopic('b', { partitions: 0 })).rejects.toThrowError(InvalidPartitionsError);
    await expect(log.createTopic('c', { config: { 'segment.bytez': 1 } as never })).rejects.toThrowError(
      /did you mean "segment.bytes"/,
    );
    expect(log.listTopics()).toEqual(['a']);
  });

  it('names the topic and partition that do not exist', async () => {
    await log.createTopic('t', { partitions: 2 });
    await expect(log.append('nope', 0, records(1))).rejects.toThrowError(UnknownTopicError);
    await expect(log.read('t', 2, 0)).rejects.toThrowError(
      'topic "t" has 2 partitions; partition 2 does not exist',
    );
    expect(() => log.offsets('t', -1)).toThrowError(UnknownPartitionError);
    expect(() => log.describeTopic('nope')).toThrowError(/topic "nope" does not exist/);
  });

  it('creates topics on first append when asked to', async () => {
    const auto = await openLog(tempDir(), { autoCreateTopics: true, defaultPartitions: 4 });
    const result = await auto.append('fresh', 3, records(2));
    expect(result).toEqual({ baseOffset: 0, lastOffset: 1, logAppendTime: -1 });
    expect(auto.describeTopic('fresh').partitions).toBe(4);
    await auto.close();
    fs.rmSync(auto.dir, { recursive: true });
  });

  it('keeps topics, partition counts and config overrides across a reopen', async () => {
    await log.createTopic('kept', { partitions: 2, config: { 'cleanup.policy': 'compact' } });
    await log.alterTopicConfig('kept', { 'retention.bytes': 5000 });
    await log.createPartitions('kept', 3);
    await log.append('kept', 2, records(3, 0, 3));
    await log.close();
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'topics', 'kept.json'), 'utf8'))).toEqual({
      partitions: 3,
      config: { 'cleanup.policy': 'compact', 'retention.bytes': 5000 },
    });
    log = await openLog(dir);
    const description = log.describeTopic('kept');
    expect(description.partitions).toBe(3);
    expect(description.config['cleanup.policy']).toBe('compact');
    expect(description.config['retention.bytes']).toBe(5000);
    expect(log.offsets('kept', 2).highWatermark).toBe(3);
  });

  it('alters config while open: set, unset, validated', async () => {
    await log.createTopic('t', { config: { 'retention.ms': 10 } });
    expect((await log.alterTopicConfig('t', { 'segment.ms': 99 }))['config']['segment.ms']).toBe(99);
    const unset = await log.alterTopicConfig('t', {}, ['retention.ms']);
    expect(unset.config['retention.ms']).toBe(604800000);
    await expect(log.alterTopicConfig('t', { 'retention.ms': 'soon' } as never)).rejects.toThrowError(
      ConfigError,
    );
    await expect(log.alterTopicConfig('t', {}, ['retention.mss' as never])).rejects.toThrowError(
      /did you mean "retention.ms"/,
    );
    expect(log.describeTopic('t').config['segment.ms']).toBe(99);
  });

  it('applies log-level defaults to topics without overrides', async () => {
    const other = await openLog(tempDir(), { defaults: { 'retention.ms': 42 } });
    await other.createTopic('t');
    expect(other.describeTopic('t').config['retention.ms']).toBe(42);
    await other.close();
    fs.rmSync(other.dir, { recursive: true });
    await expect(openLog(tempDir(), { defaults: { 'retention.ms': -5 } })).rejects.toThrowError(ConfigError);
  });

  it('only grows partitions', async () => {
    await log.createTopic('t', { partitions: 2 });
    await expect(log.createPartitions('t', 2)).rejects.toThrowError(InvalidPartitionsError);
    await log.createPartitions('t', 5);
    expect(log.describeTopic('t').partitions).toBe(5);
    expect(log.offsets('t', 4)).toEqual({ logStartOffset: 0, highWatermark: 0, lastStableOffset: 0 });
  });

  it('deletes a topic with its data', async () => {
    await log.createTopic('gone', { partitions: 2 });
    await log.append('gone', 1, records(5));
    await log.deleteTopic('gone');
    expect(log.hasTopic('gone')).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('gone'))).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'topics', 'gone.json'))).toBe(false);
    await expect(log.deleteTopic('gone')).rejects.toThrowError(UnknownTopicError);
    await log.createTopic('gone');
    expect(log.offsets('gone', 0).highWatermark).toBe(0);
  });

  it('writes both checkpoints in Kafka format', async () => {
    await log.createTopic('t', { partitions: 2 });
    await log.append('t', 1, records(7));
    await log.deleteRecords('t', 1, 3);
    await log.flush();
    expect(fs.readFileSync(path.join(dir, 'recovery-point-offset-checkpoint'), 'utf8')).toBe(
      '0\n2\nt 0 0\nt 1 7\n',
    );
    expect(fs.readFileSync(path.join(dir, 'log-start-offset-checkpoint'), 'utf8')).toBe(
      '0\n2\nt 0 0\nt 1 3\n',
    );
  });

  it('adopts partition directories that have no topic file (written by Kafka)', async () => {
    await log.createTopic('t', { partitions: 2 });
    await log.append('t', 1, records(4));
    await log.close();
    fs.rmSync(path.join(dir, 'topics'), { recursive: true });
    log = await openLog(dir);
    expect(log.describeTopic('t').partitions).toBe(2);
    expect(log.offsets('t', 1).highWatermark).toBe(4);
  });

  it('refuses calls once closed; close is idempotent', async () => {
    await log.createTopic('t');
    await log.close();
    await log.close();
    await expect(log.append('t', 0, records(1))).rejects.toThrowError(LogClosedError);
    expect(() => log.listTopics()).not.toThrow();
    log = await openLog(dir);
  });
});
