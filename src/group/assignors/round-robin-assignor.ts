import { emptyPlan, sortMembers, subscribedTopics } from './member-order.js';
import type { AssignmentPlan, AssignorMember, PartitionAssignor, PartitionsPerTopic } from './types.js';

/**
 * Kafka's `roundrobin` assignor: every partition of every subscribed topic, sorted by topic then partition, is
 * dealt in turn to the next member (in member order) that subscribes to its topic. With identical subscriptions
 * the counts differ by at most one.
 */
export function roundRobinAssign(
  members: readonly AssignorMember[],
  partitionsPerTopic: PartitionsPerTopic,
): AssignmentPlan {
  const plan = emptyPlan(members);
  const ordered = sortMembers(members);
  if (ordered.length === 0) return plan;
  let next = 0;
  for (const topic of subscribedTopics(members, partitionsPerTopic)) {
    const count = partitionsPerTopic.get(topic)!;
    for (let partition = 0; partition < count; partition++) {
      // Some member subscribes to `topic` (subscribedTopics guarantees it), so this loop ends.
      while (!ordered[next % ordered.length].topics.includes(topic)) next++;
      plan.get(ordered[next % ordered.length].memberId)!.push({ topic, partition });
      next++;
    }
  }
  return plan;
}

export const roundRobinAssignor: PartitionAssignor = {
  name: 'roundrobin',
  rebalanceProtocol: 'EAGER',
  assign: roundRobinAssign,
};
