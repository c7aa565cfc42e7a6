/**
 * The contract of a partition assignor. As in Kafka, assignment runs on the client: the group leader gets every
 * member's subscription from JoinGroup, runs the assignor chosen by the group, and sends the result in SyncGroup.
 * Assignors are pure functions of their input, so every leader computes the same plan.
 */
import type { TopicPartition } from '../types.js';

/**
 * `EAGER`: every member gives up all its partitions before rejoining. `COOPERATIVE` (KIP-429): members keep their
 * partitions across a rebalance; a partition that moves is first left out of the new assignment (its owner
 * revokes it and rejoins) and handed to its new owner in the next rebalance.
 */
export type RebalanceProtocol = 'EAGER' | 'COOPERATIVE';

/** One member as the assignor sees it. */
export interface AssignorMember {
  memberId: string;
  /** Static members are ordered by instance id, so a restart under a new member id gets the same partitions. */
  groupInstanceId?: string | null;
  /** Topics the member subscribes to. */
  topics: string[];
  /** Partitions the member owns from the previous generation (subscription v1+); empty for eager members. */
  ownedPartitions?: TopicPartition[];
}

/** Partition count per topic; topics absent here (not created yet) get no assignment. */
export type PartitionsPerTopic = ReadonlyMap<string, number>;

/** Partitions per member id; every member of the input has an entry, possibly empty. */
export type AssignmentPlan = Map<string, TopicPartition[]>;

export interface PartitionAssignor {
  /** The protocol name members advertise in JoinGroup (`range`, `roundrobin`, `cooperative-sticky`). */
  readonly name: string;
  readonly rebalanceProtocol: RebalanceProtocol;
  assign(members: readonly AssignorMember[], partitionsPerTopic: PartitionsPerTopic): AssignmentPlan;
}
