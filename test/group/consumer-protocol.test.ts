import { describe, expect, it } from 'vitest';
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from '../../src/group/index.js';

// Byte vectors from kafkajs's consumer tests (src/consumer/__tests__/fixtures/roundRobinAssigner/*.json):
// kafkajs labels these version 1 but writes the version-0 layout (no owned_partitions).
const KAFKAJS_METADATA = Buffer.from([
  0, 1, 0, 0, 0, 1, 0, 10, 116, 111, 112, 105, 99, 45, 116, 101, 115, 116, 0, 0, 0, 0,
]);
const KAFKAJS_ASSIGNMENT = Buffer.from([
  0, 1, 0, 0, 0, 1, 0, 10, 116, 111, 112, 105, 99, 45, 116, 101, 115, 116, 0, 0, 0, 6, 0, 0, 0, 2, 0, 0, 0, 5,
  0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0,
]);

describe('group › consumer-protocol › subscription', () => {
  it('decodes the subscription kafkajs sends', () => {
    expect(decodeSubscription(KAFKAJS_METADATA)).toEqual({
      version: 1,
      topics: ['topic-test'],
      userData: Buffer.alloc(0),
      ownedPartitions: [],
    });
  });

  it('encodes version 0 exactly as Kafka lays it out', () => {
    const bytes = encodeSubscription({ version: 0, topics: ['topic-test'], userData: Buffer.alloc(0) });
    expect([...bytes]).toEqual([0, 0, ...KAFKAJS_METADATA.subarray(2)]);
  });

  it('appends owned partitions in version 1, grouped by topic', () => {
    const bytes = encodeSubscription({
      topics: ['a'],
      ownedPartitions: [
        { topic: 'a', partition: 2 },
        { topic: 'a', partition: 0 },
      ],
    });
    // version 1 | topics [ "a" ] | user_data null | owned [ "a" [2, 0] ]
    expect([...bytes]).toEqual([
      0, 1, 0, 0, 0, 1, 0, 1, 97, 255, 255, 255, 255, 0, 0, 0, 1, 0, 1, 97, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0,
      0,
    ]);
    expect(decodeSubscription(bytes)).toEqual({
      version: 1,
      topics: ['a'],
      userData: null,
      ownedPartitions: [
        { topic: 'a', partition: 2 },
        { topic: 'a', partition: 0 },
      ],
    });
  });

  it('reads a newer version by skipping the fields it does not know', () => {
    const v1 = encodeSubscription({ topics: ['t'], ownedPartitions: [{ topic: 't', partition: 1 }] });
    const v2 = Buffer.concat([v1, Buffer.from([0, 0, 0, 7])]); // + generation_id 7
    v2.writeInt16BE(2, 0);
    expect(decodeSubscription(v2).ownedPartitions).toEqual([{ topic: 't', partition: 1 }]);
  });

  it('names what it was reading when the bytes are cut short', () => {
    expect(() => decodeSubscription(KAFKAJS_METADATA.subarray(0, 10))).toThrowError(
      /consumer protocol subscription: expected 10 bytes/,
    );
  });
});

describe('group › consumer-protocol › assignment', () => {
  it('encodes the assignment bytes kafkajs produces', () => {
    const partitions = [2, 5, 4, 1, 3, 0].map((partition) => ({ topic: 'topic-test', partition }));
    expect(encodeAssignment({ partitions, userData: Buffer.alloc(0) })).toEqual(KAFKAJS_ASSIGNMENT);
    expect(decodeAssignment(KAFKAJS_ASSIGNMENT)).toEqual({
      version: 1,
      partitions,
      userData: Buffer.alloc(0),
    });
  });

  it('treats the empty bytes of an unassigned member as no partitions', () => {
    expect(decodeAssignment(Buffer.alloc(0)).partitions).toEqual([]);
  });

  it('round-trips several topics', () => {
    const partitions = [
      { topic: 'x', partition: 0 },
      { topic: 'y', partition: 3 },
      { topic: 'x', partition: 1 },
    ];
    const decoded = decodeAssignment(encodeAssignment({ version: 0, partitions }));
    expect(decoded.version).toBe(0);
    expect(decoded.partitions).toEqual([
      { topic: 'x', partition: 0 },
      { topic: 'x', partition: 1 },
      { topic: 'y', partition: 3 },
    ]);
  });
});
