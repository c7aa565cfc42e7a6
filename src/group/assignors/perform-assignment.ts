import { decodeSubscription, encodeAssignment } from '../consumer-protocol.js';
import type { JoinGroupMember } from '../types.js';
import { cooperativeStickyAssignor } from './cooperative-sticky-assignor.js';
import { rangeAssignor } from './range-assignor.js';
import { roundRobinAssignor } from './round-robin-assignor.js';
import type { AssignorMember, PartitionAssignor, PartitionsPerTopic } from './types.js';

/** The assignors sluice ships, by the protocol name members advertise. */
export const builtInAssignors: readonly PartitionAssignor[] = [
  rangeAssignor,
  roundRobinAssignor,
  cooperativeStickyAssignor,
];

export function assignorByName(name: string): PartitionAssignor | undefined {
  return builtInAssignors.find((a) => a.name === name);
}

/** Reads the consumer-protocol subscriptions a leader got from JoinGroup. */
export function membersFromJoin(members: readonly JoinGroupMember[]): AssignorMember[] {
  return members.map((m) => {
    const subscription = decodeSubscription(m.metadata);
    return {
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      topics: subscription.topics,
      ownedPartitions: subscription.ownedPartitions,
    };
  });
}

/**
 * The leader's whole job between JoinGroup and SyncGroup: decode every member's subscription, run the group's
 * assignor, and encode each member's assignment for `syncGroup({ assignments })`.
 */
export function performAssignment(
  assignor: PartitionAssignor,
  members: readonly JoinGroupMember[],
  partitionsPerTopic: PartitionsPerTopic,
): { memberId: string; assignment: Buffer }[] {
  const plan = assignor.assign(membersFromJoin(members), partitionsPerTopic);
  return members.map((m) => ({
    memberId: m.memberId,
    assignment: encodeAssignment({ partitions: plan.get(m.memberId) ?? [] }),
  }));
}
