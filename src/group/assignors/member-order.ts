import type { AssignmentPlan, AssignorMember, PartitionsPerTopic } from './types.js';

/**
 * Kafka orders members by `group.instance.id` when they have one and by member id otherwise, so that a static
 * member restarting under a new member id lands in the same place and gets the same partitions.
 */
export function sortMembers(members: readonly AssignorMember[]): AssignorMember[] {
  return [...members].sort((a, b) => compare(orderKey(a), orderKey(b)));
}

function orderKey(m: AssignorMember): string {
  return m.groupInstanceId ?? m.memberId;
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An empty plan with an entry for every member. */
export function emptyPlan(members: readonly AssignorMember[]): AssignmentPlan {
  return new Map(members.map((m) => [m.memberId, []]));
}

/** Topics some member subscribes to that exist, sorted. */
export function subscribedTopics(
  members: readonly AssignorMember[],
  partitionsPerTopic: PartitionsPerTopic,
): string[] {
  const topics = new Set<string>();
  for (const m of members) for (const t of m.topics) if ((partitionsPerTopic.get(t) ?? 0) > 0) topics.add(t);
  return [...topics].sort(compare);
}
