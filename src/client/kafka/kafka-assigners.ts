import type { PartitionAssigner } from 'kafkajs';
import type { TopicPartition } from '../records.js';
import { kafkajs } from './kafkajs.js';

/**
 * Kafka's `range` assignor as a kafkajs assigner, under Kafka's protocol name so groups look the same from every
 * client: per topic, members in id order each take a contiguous run of partitions, the first ones one extra.
 */
export const rangeAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'range',
  version: 0,
  protocol: ({ topics }) => ({
    name: 'range',
    metadata: kafkajs().AssignerProtocol.MemberMetadata.encode({
      version: 0,
      topics,
      userData: Buffer.alloc(0),
    }),
  }),
  async assign({ members, topics }) {
    const ids = members.map((m) => m.memberId).sort();
    const plan = new Map<string, Record<string, number[]>>(ids.map((id) => [id, {}]));
    for (const topic of topics) {
      const count = cluster.findTopicPartitionMetadata(topic).length;
      const per = Math.floor(count / ids.length);
      const extra = count % ids.length;
      let next = 0;
      ids.forEach((id, i) => {
        const take = per + (i < extra ? 1 : 0);
        const partitions = Array.from({ length: take }, (_, k) => next + k);
        next += take;
        if (partitions.length > 0) (plan.get(id) as Record<string, number[]>)[topic] = partitions;
      });
    }
    return ids.map((memberId) => ({
      memberId,
      memberAssignment: kafkajs().AssignerProtocol.MemberAssignment.encode({
        version: 0,
        assignment: plan.get(memberId) ?? {},
        userData: Buffer.alloc(0),
      }),
    }));
  },
});

/**
 * Manual assignment (`Consumer.assign`) over kafkajs, which only reads as a group member: the consumer joins a
 * group of its own, and this assigner hands its one member exactly the partitions asked for.
 */
export function fixedAssigner(partitions: TopicPartition[]): PartitionAssigner {
  return () => ({
    name: 'sluice-manual',
    version: 0,
    protocol: ({ topics }) => ({
      name: 'sluice-manual',
      metadata: kafkajs().AssignerProtocol.MemberMetadata.encode({
        version: 0,
        topics,
        userData: Buffer.alloc(0),
      }),
    }),
    async assign({ members }) {
      const assignment: Record<string, number[]> = {};
      for (const tp of partitions) (assignment[tp.topic] ??= []).push(tp.partition);
      return members.map((m, i) => ({
        memberId: m.memberId,
        memberAssignment: kafkajs().AssignerProtocol.MemberAssignment.encode({
          version: 0,
          assignment: i === 0 ? assignment : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
  });
}
