import { emptyPlan, sortMembers, subscribedTopics } from './member-order.js';
import type { AssignmentPlan, AssignorMember, PartitionAssignor, PartitionsPerTopic } from './types.js';

/**
 * Kafka's `range` assignor, topic by topic: the subscribers of a topic, in member order, each take a contiguous
 * range of its partitions; the first `partitions % subscribers` take one more. Co-partitioned topics thus land
 * partition by partition on the same member (what joins need), at the cost of balance across topics.
 */
export function rangeAssign(
  members: readonly AssignorMember[],
  partitionsPerTopic: PartitionsPerTopic,
): AssignmentPlan {
  const plan = emptyPlan(members);
  const ordered = sortMembers(members);
  for (const topic of subscribedTopics(members, partitionsPerTopic)) {
    const subscribers = ordered.filter((m) => m.topics.includes(topic));
    const count = partitionsPerTopic.get(topic)!;
    const each = Math.floor(count / subscribers.length);
    const extra = count % subscribers.length;
    subscribers.forEach((m, i) => {
      const start = i * each + Math.min(i, extra);
      const length = each + (i < extra ? 1 : 0);
      const list = plan.get(m.memberId)!;
      for (let p = start; p < start + length; p++) list.push({ topic, partition: p });
    });
  }
  return plan;
}

export const rangeAssignor: PartitionAssignor = {
  name: 'range',
  rebalanceProtocol: 'EAGER',
  assign: rangeAssign,
};
