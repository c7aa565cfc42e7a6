import type { TopicPartition } from '../types.js';
import { compare, sortMembers, subscribedTopics } from './member-order.js';
import type { AssignmentPlan, AssignorMember, PartitionAssignor, PartitionsPerTopic } from './types.js';

/**
 * Kafka's `cooperative-sticky` assignor (KIP-429): a balanced assignment that moves as few partitions as it can,
 * delivered incrementally.
 *
 * 1. Every member keeps the partitions it owns that still exist, that it still subscribes to, and that no other
 *    member also claims (a claim two members make is trusted for neither).
 * 2. Partitions nobody keeps go, one at a time in topic/partition order, to the subscriber holding the fewest.
 * 3. While some member holds two or more partitions more than a subscriber of one of them, one partition moves
 *    from the fullest to the emptiest such member, partitions placed in step 2 before owned ones. With identical
 *    subscriptions this ends with counts within one.
 * 4. Cooperative step: a partition whose new holder is not its previous owner is left out of this assignment.
 *    Its owner sees it missing, revokes it (stops processing, commits) and rejoins; the follow-up rebalance finds
 *    it unowned and hands it to its new holder. Partitions that do not move keep flowing throughout. With identical
 *    subscriptions that follow-up round settles the group; with differing ones, a third round may move what the
 *    second placed.
 */
export function cooperativeStickyAssign(
  members: readonly AssignorMember[],
  partitionsPerTopic: PartitionsPerTopic,
): AssignmentPlan {
  const ordered = sortMembers(members);
  const subscribers = new Map<string, AssignorMember[]>();
  for (const topic of subscribedTopics(members, partitionsPerTopic)) {
    subscribers.set(
      topic,
      ordered.filter((m) => m.topics.includes(topic)),
    );
  }
  const previousOwner = validClaims(ordered, partitionsPerTopic);
  const held = new Map<string, Set<string>>(ordered.map((m) => [m.memberId, new Set<string>()]));
  for (const [key, owner] of previousOwner) held.get(owner)!.add(key);

  const unassigned: string[] = [];
  for (const [topic, count] of sortedTopics(subscribers, partitionsPerTopic)) {
    for (let p = 0; p < count; p++) if (!previousOwner.has(slot(topic, p))) unassigned.push(slot(topic, p));
  }
  for (const key of unassigned) {
    const target = leastLoaded(subscribers.get(topicOf(key))!, held);
    held.get(target.memberId)!.add(key);
  }
  rebalance(ordered, subscribers, held, previousOwner);

  const plan: AssignmentPlan = new Map();
  for (const m of members) {
    const keep = [...held.get(m.memberId)!].filter((key) => {
      const owner = previousOwner.get(key);
      return owner === undefined || owner === m.memberId;
    });
    plan.set(m.memberId, keep.sort(byTopicPartition).map(parse));
  }
  return plan;
}

/** Owned partitions each member may keep: existing, subscribed, and claimed by that member alone. */
function validClaims(ordered: AssignorMember[], partitionsPerTopic: PartitionsPerTopic): Map<string, string> {
  const claims = new Map<string, string[]>();
  for (const m of ordered) {
    for (const { topic, partition } of m.ownedPartitions ?? []) {
      const count = partitionsPerTopic.get(topic) ?? 0;
      if (!m.topics.includes(topic) || partition < 0 || partition >= count) continue;
      const key = slot(topic, partition);
      const list = claims.get(key);
      if (list) {
        if (!list.includes(m.memberId)) list.push(m.memberId);
      } else claims.set(key, [m.memberId]);
    }
  }
  const owners = new Map<string, string>();
  for (const [key, list] of claims) if (list.length === 1) owners.set(key, list[0]);
  return owners;
}

/** Moves one partition at a time from the fullest member to a subscriber holding two or more fewer. */
function rebalance(
  ordered: AssignorMember[],
  subscribers: Map<string, AssignorMember[]>,
  held: Map<string, Set<string>>,
  previousOwner: Map<string, string>,
): void {
  for (;;) {
    const byLoad = [...ordered].sort((a, b) => held.get(b.memberId)!.size - held.get(a.memberId)!.size);
    let moved = false;
    for (const donor of byLoad) {
      const donorHeld = held.get(donor.memberId)!;
      // The donor gives up partitions placed in this round before ones it owns (moving those costs a revocation),
      // and the highest first.
      const owns = (key: string) => previousOwner.get(key) === donor.memberId;
      const candidates = [...donorHeld].sort(
        (a, b) => Number(owns(a)) - Number(owns(b)) || byTopicPartition(b, a),
      );
      for (const key of candidates) {
        const target = leastLoaded(subscribers.get(topicOf(key))!, held);
        if (held.get(target.memberId)!.size + 1 < donorHeld.size) {
          donorHeld.delete(key);
          held.get(target.memberId)!.add(key);
          moved = true;
          break;
        }
      }
      if (moved) break;
    }
    if (!moved) return;
  }
}

/** The subscriber holding the fewest partitions; ties go to the first in member order. */
function leastLoaded(candidates: AssignorMember[], held: Map<string, Set<string>>): AssignorMember {
  let best = candidates[0];
  for (const m of candidates) if (held.get(m.memberId)!.size < held.get(best.memberId)!.size) best = m;
  return best;
}

function sortedTopics(subscribers: Map<string, AssignorMember[]>, partitionsPerTopic: PartitionsPerTopic) {
  return [...subscribers.keys()].sort(compare).map((t) => [t, partitionsPerTopic.get(t)!] as const);
}

// Partitions are tracked as "topic\0partition" strings so that sets and maps compare them by value.
function slot(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function topicOf(key: string): string {
  return key.slice(0, key.lastIndexOf('\u0000'));
}

function parse(key: string): TopicPartition {
  const at = key.lastIndexOf('\u0000');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}

function byTopicPartition(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  return pa.topic === pb.topic ? pa.partition - pb.partition : compare(pa.topic, pb.topic);
}

export const cooperativeStickyAssignor: PartitionAssignor = {
  name: 'cooperative-sticky',
  rebalanceProtocol: 'COOPERATIVE',
  assign: cooperativeStickyAssign,
};
