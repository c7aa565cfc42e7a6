/**
 * Records of the compacted topic `__consumer_offsets`, in Kafka's own schemas so that Kafka's tools
 * (`kafka-console-consumer --formatter OffsetsMessageFormatter`, `kafka-dump-log --offsets-decoder`) read them.
 * The key's version tells the record kinds apart; a null value (tombstone) deletes the key.
 *
 * OffsetCommitKey (Version: 1) => version group topic partition      (versions 0 and 1 are the same bytes)
 *   version => INT16, group => STRING, topic => STRING, partition => INT32
 * OffsetCommitValue (Version: 3) => version offset leader_epoch metadata commit_timestamp
 *   version => INT16, offset => INT64, leader_epoch => INT32, metadata => STRING, commit_timestamp => INT64
 *   (v0: offset metadata commit_timestamp; v1 adds expire_timestamp INT64; v2 drops it; v3 adds leader_epoch)
 * GroupMetadataKey (Version: 2) => version group
 * GroupMetadataValue (Version: 3) => version protocol_type generation protocol leader current_state_timestamp
 *                                    [members]
 *   protocol_type => STRING, generation => INT32, protocol => NULLABLE_STRING, leader => NULLABLE_STRING,
 *   current_state_timestamp => INT64 (v2+)
 *   members => member_id group_instance_id (v3+) client_id client_host rebalance_timeout (v1+) session_timeout
 *              subscription assignment
 */
import { BinaryReader, BinaryWriter } from './binary.js';

/** Kafka's name for the topic; its partition count is fixed at creation. */
export const OFFSETS_TOPIC = '__consumer_offsets';

/** Java's `String.hashCode()`: s[0]·31^(n−1) + … + s[n−1] over UTF-16 code units, in 32-bit arithmetic. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** The `__consumer_offsets` partition of a group: Kafka's `Utils.abs(groupId.hashCode) % partitions`. */
export function groupPartition(groupId: string, partitions: number): number {
  const h = javaStringHashCode(groupId);
  // Kafka's Utils.abs maps Integer.MIN_VALUE to 0 rather than overflowing.
  return (h === -2147483648 ? 0 : Math.abs(h)) % partitions;
}

export interface OffsetCommitKey {
  kind: 'offset';
  group: string;
  topic: string;
  partition: number;
}

export interface GroupMetadataKey {
  kind: 'group';
  group: string;
}

export interface OffsetCommitValue {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
}

export interface StoredMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  subscription: Buffer;
  assignment: Buffer;
}

export interface GroupMetadataValue {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  /** When the group entered its current state; -1 when the record predates v2. */
  currentStateTimestamp: number;
  members: StoredMember[];
}

export function encodeOffsetCommitKey(group: string, topic: string, partition: number): Buffer {
  return new BinaryWriter().int16(1).string(group).string(topic).int32(partition).finish();
}

export function encodeGroupMetadataKey(group: string): Buffer {
  return new BinaryWriter().int16(2).string(group).finish();
}

/** Decodes either key kind; returns null for key versions this coordinator does not know (skipped on load). */
export function decodeOffsetsTopicKey(key: Buffer): OffsetCommitKey | GroupMetadataKey | null {
  const reader = new BinaryReader(key, `${OFFSETS_TOPIC} key`);
  const version = reader.int16();
  if (version === 0 || version === 1) {
    const group = reader.string() ?? '';
    const topic = reader.string() ?? '';
    return { kind: 'offset', group, topic, partition: reader.int32() };
  }
  if (version === 2) return { kind: 'group', group: reader.string() ?? '' };
  return null;
}

export function encodeOffsetCommitValue(value: OffsetCommitValue): Buffer {
  return new BinaryWriter()
    .int16(3)
    .int64(value.offset)
    .int32(value.leaderEpoch)
    .string(value.metadata)
    .int64(value.commitTimestamp)
    .finish();
}

export function decodeOffsetCommitValue(buffer: Buffer): OffsetCommitValue {
  const reader = new BinaryReader(buffer, `${OFFSETS_TOPIC} offset commit value`);
  const version = reader.int16();
  const offset = reader.int64();
  const leaderEpoch = version >= 3 ? reader.int32() : -1;
  const metadata = reader.string() ?? '';
  const commitTimestamp = reader.int64();
  return { offset, leaderEpoch, metadata, commitTimestamp };
}

export function encodeGroupMetadataValue(value: GroupMetadataValue): Buffer {
  return new BinaryWriter()
    .int16(3)
    .string(value.protocolType)
    .int32(value.generation)
    .string(value.protocol)
    .string(value.leader)
    .int64(value.currentStateTimestamp)
    .array(value.members, (m, w) =>
      w
        .string(m.memberId)
        .string(m.groupInstanceId)
        .string(m.clientId)
        .string(m.clientHost)
        .int32(m.rebalanceTimeoutMs)
        .int32(m.sessionTimeoutMs)
        .bytes(m.subscription)
        .bytes(m.assignment),
    )
    .finish();
}

export function decodeGroupMetadataValue(buffer: Buffer): GroupMetadataValue {
  const reader = new BinaryReader(buffer, `${OFFSETS_TOPIC} group metadata value`);
  const version = reader.int16();
  const protocolType = reader.string() ?? '';
  const generation = reader.int32();
  const protocol = reader.string();
  const leader = reader.string();
  const currentStateTimestamp = version >= 2 ? reader.int64() : -1;
  const members = reader.array((r): StoredMember => {
    const memberId = r.string() ?? '';
    const groupInstanceId = version >= 3 ? r.string() : null;
    const clientId = r.string() ?? '';
    const clientHost = r.string() ?? '';
    const rebalanceTimeoutMs = version >= 1 ? r.int32() : -1;
    const sessionTimeoutMs = r.int32();
    const subscription = r.bytes() ?? Buffer.alloc(0);
    const assignment = r.bytes() ?? Buffer.alloc(0);
    return {
      memberId,
      groupInstanceId,
      clientId,
      clientHost,
      rebalanceTimeoutMs: rebalanceTimeoutMs < 0 ? sessionTimeoutMs : rebalanceTimeoutMs,
      sessionTimeoutMs,
      subscription,
      assignment,
    };
  });
  return { protocolType, generation, protocol, leader, currentStateTimestamp, members };
}
