/**
 * The consumer protocol: what consumers put in the opaque bytes of JoinGroup (the subscription) and SyncGroup
 * (the assignment). kafkajs, librdkafka, kafka-python and the Java client all speak it, so the embedded client
 * does too.
 *
 * ConsumerProtocolSubscription (Version: 0) => version topics user_data
 *   version => INT16
 *   topics => [STRING]
 *   user_data => NULLABLE_BYTES
 * ConsumerProtocolSubscription (Version: 1) => ... owned_partitions     (KIP-429, cooperative rebalancing)
 *   owned_partitions => [topic [partitions]]
 *     topic => STRING
 *     partitions => INT32
 *
 * ConsumerProtocolAssignment (Version: 0) => version assigned_partitions user_data
 *   version => INT16
 *   assigned_partitions => [topic [partitions]]
 *   user_data => NULLABLE_BYTES
 * ConsumerProtocolAssignment (Version: 1) is byte for byte the same as version 0.
 *
 * Decoding is lenient where real clients are: kafkajs labels its subscriptions version 1 but omits
 * owned_partitions, and newer versions (2: generation_id, 3: rack_id) append fields an older reader skips, as
 * Kafka's own reader does.
 */

import { BinaryReader, BinaryWriter } from './binary.js';
import type { TopicPartition } from './types.js';

export interface ConsumerSubscription {
  version: number;
  topics: string[];
  userData: Buffer | null;
  /** Partitions the member owned in the previous generation (version 1+). */
  ownedPartitions: TopicPartition[];
}

export interface ConsumerAssignment {
  version: number;
  partitions: TopicPartition[];
  userData: Buffer | null;
}

/** Encodes a subscription; version 1 (the default) carries `ownedPartitions`, version 0 drops them. */
export function encodeSubscription(subscription: {
  version?: number;
  topics: readonly string[];
  userData?: Buffer | null;
  ownedPartitions?: readonly TopicPartition[];
}): Buffer {
  const version = subscription.version ?? 1;
  const writer = new BinaryWriter()
    .int16(version)
    .array(subscription.topics, (t, w) => w.string(t))
    .bytes(subscription.userData ?? null);
  if (version >= 1) writeTopicPartitions(writer, subscription.ownedPartitions ?? []);
  return writer.finish();
}

export function decodeSubscription(buffer: Buffer): ConsumerSubscription {
  const reader = new BinaryReader(buffer, 'consumer protocol subscription');
  const version = reader.int16();
  const topics = reader.array((r) => r.string() ?? '');
  const userData = reader.bytes();
  const ownedPartitions = version >= 1 && reader.remaining > 0 ? readTopicPartitions(reader) : [];
  return { version, topics, userData, ownedPartitions };
}

/** Encodes an assignment (version 1 by default; 0 and 1 are the same bytes apart from the version). */
export function encodeAssignment(assignment: {
  version?: number;
  partitions: readonly TopicPartition[];
  userData?: Buffer | null;
}): Buffer {
  const writer = new BinaryWriter().int16(assignment.version ?? 1);
  writeTopicPartitions(writer, assignment.partitions);
  return writer.bytes(assignment.userData ?? null).finish();
}

/** Decodes an assignment; an empty buffer (a member the leader gave nothing) is an empty assignment. */
export function decodeAssignment(buffer: Buffer): ConsumerAssignment {
  if (buffer.length === 0) return { version: 0, partitions: [], userData: null };
  const reader = new BinaryReader(buffer, 'consumer protocol assignment');
  const version = reader.int16();
  const partitions = readTopicPartitions(reader);
  const userData = reader.remaining > 0 ? reader.bytes() : null;
  return { version, partitions, userData };
}

/** Groups partitions by topic in first-seen order, keeping the order of partitions within a topic. */
function writeTopicPartitions(writer: BinaryWriter, partitions: readonly TopicPartition[]): void {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    const list = byTopic.get(topic);
    if (list) list.push(partition);
    else byTopic.set(topic, [partition]);
  }
  writer.array([...byTopic], ([topic, list], w) => w.string(topic).array(list, (p, w2) => w2.int32(p)));
}

function readTopicPartitions(reader: BinaryReader): TopicPartition[] {
  const out: TopicPartition[] = [];
  for (const { topic, list } of reader.array((r) => ({
    topic: r.string() ?? '',
    list: r.array((r2) => r2.int32()),
  }))) {
    for (const partition of list) out.push({ topic, partition });
  }
  return out;
}
