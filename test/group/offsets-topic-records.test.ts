import { describe, expect, it } from 'vitest';
import { groupPartition, javaStringHashCode } from '../../src/group/index.js';
import {
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  decodeOffsetsTopicKey,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
} from '../../src/group/offsets-topic-records.js';

describe('group › offsets-topic-records › partition of a group', () => {
  it("computes Java's String.hashCode", () => {
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('a')).toBe(97);
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
  });

  it("maps a group to abs(hashCode) % 50 as Kafka's coordinator does, Integer.MIN_VALUE to 0", () => {
    expect(groupPartition('hello', 50)).toBe(99162322 % 50);
    expect(groupPartition('polygenelubricants', 50)).toBe(0);
    const negative = 'console-consumer-12345';
    const h = javaStringHashCode(negative);
    expect(groupPartition(negative, 50)).toBe(Math.abs(h) % 50);
  });
});

describe('group › offsets-topic-records › layouts', () => {
  it("lays out OffsetCommitKey v1 as Kafka's GroupMetadataManager", () => {
    // version 1 | "g" | "t" | partition 3
    expect([...encodeOffsetCommitKey('g', 't', 3)]).toEqual([0, 1, 0, 1, 103, 0, 1, 116, 0, 0, 0, 3]);
    expect(decodeOffsetsTopicKey(encodeOffsetCommitKey('g', 't', 3))).toEqual({
      kind: 'offset',
      group: 'g',
      topic: 't',
      partition: 3,
    });
  });

  it('lays out OffsetCommitValue v3: offset, leader epoch, metadata, commit timestamp', () => {
    const bytes = encodeOffsetCommitValue({
      offset: 42,
      leaderEpoch: -1,
      metadata: 'm',
      commitTimestamp: 1000,
    });
    expect([...bytes]).toEqual([
      0, 3, 0, 0, 0, 0, 0, 0, 0, 42, 255, 255, 255, 255, 0, 1, 109, 0, 0, 0, 0, 0, 0, 3, 232,
    ]);
    expect(decodeOffsetCommitValue(bytes)).toEqual({
      offset: 42,
      leaderEpoch: -1,
      metadata: 'm',
      commitTimestamp: 1000,
    });
  });

  it('reads the older OffsetCommitValue v1 with its expire timestamp', () => {
    // version 1 | offset 7 | metadata "" | commit 5 | expire 9
    const v1 = Buffer.from([
      0, 1, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 9,
    ]);
    expect(decodeOffsetCommitValue(v1)).toEqual({
      offset: 7,
      leaderEpoch: -1,
      metadata: '',
      commitTimestamp: 5,
    });
  });

  it('keys group metadata with version 2 and round-trips the v3 value', () => {
    expect([...encodeGroupMetadataKey('g')]).toEqual([0, 2, 0, 1, 103]);
    expect(decodeOffsetsTopicKey(encodeGroupMetadataKey('g'))).toEqual({ kind: 'group', group: 'g' });
    const value = {
      protocolType: 'consumer',
      generation: 4,
      protocol: 'range',
      leader: 'm-1',
      currentStateTimestamp: 123,
      members: [
        {
          memberId: 'm-1',
          groupInstanceId: null,
          clientId: 'c',
          clientHost: '/h',
          rebalanceTimeoutMs: 300_000,
          sessionTimeoutMs: 45_000,
          subscription: Buffer.from([1]),
          assignment: Buffer.from([2]),
        },
      ],
    };
    const bytes = encodeGroupMetadataValue(value);
    expect(bytes.readInt16BE(0)).toBe(3);
    expect(decodeGroupMetadataValue(bytes)).toEqual(value);
  });

  it('skips key versions it does not know', () => {
    expect(decodeOffsetsTopicKey(Buffer.from([0, 9, 0, 0]))).toBeNull();
  });
});
