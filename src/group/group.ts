import { decodeSubscription } from './consumer-protocol.js';
import type { Member } from './member.js';
import type { GroupState, TimerHandle } from './types.js';

/**
 * One group's membership and state. The rules that move it between states live in the coordinator; this holds
 * the data and answers questions about it.
 *
 * Kafka's states: Empty (no members, maybe offsets) → PreparingRebalance (waiting for members to rejoin) →
 * CompletingRebalance (joined; waiting for the leader's assignments) → Stable; Dead once deleted or expired.
 */
export class Group {
  state: GroupState = 'Empty';
  /** When the group entered `state`; drives offset expiry of empty groups. */
  stateTimestamp: number;
  generationId = 0;
  /** `''` until a member joins (groups that only commit offsets keep it empty). */
  protocolType = '';
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** group.instance.id → member id of the static member holding it. */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out by MEMBER_ID_REQUIRED and not yet used to join, with their expiry timers. */
  readonly pendingMembers = new Map<string, TimerHandle>();
  /** Members of the current generation that have not sent SyncGroup yet. */
  readonly pendingSync = new Set<string>();
  /** The rebalance (join) timer, or the initial-delay timer of a group that was empty. */
  joinTimer: TimerHandle | null = null;
  /** While set, the first rebalance of an empty group waits for more members until this time at the latest. */
  initialJoinDeadline: number | null = null;
  syncTimer: TimerHandle | null = null;

  constructor(
    readonly groupId: string,
    now: number,
  ) {
    this.stateTimestamp = now;
  }

  transition(state: GroupState, now: number): void {
    this.state = state;
    this.stateTimestamp = now;
  }

  /** Every member has a JoinGroup waiting, and no handed-out member id is still to join. */
  allJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const m of this.members.values()) if (!m.joinWaiter) return false;
    return true;
  }

  /** The longest rebalance timeout of the members: how long a rebalance waits for all to rejoin. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /** Protocol names every member other than `exceptMemberId` supports, or null when there are no such members. */
  commonProtocols(exceptMemberId?: string): Set<string> | null {
    const counts = new Map<string, number>();
    let members = 0;
    for (const m of this.members.values()) {
      if (m.memberId === exceptMemberId) continue;
      members += 1;
      for (const name of new Set(m.protocols.map((p) => p.name)))
        counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    if (members === 0) return null;
    return new Set([...counts].filter(([, n]) => n === members).map(([name]) => name));
  }

  /**
   * Kafka's choice: among the protocols every member supports, each member votes for the first one in its own
   * preference order; the most votes wins, ties going to the leader's preference.
   */
  selectProtocol(): string {
    const common = this.commonProtocols() ?? new Set<string>();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => common.has(p.name));
      if (choice) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    const leader = (this.leaderId && this.members.get(this.leaderId)) || this.members.values().next().value;
    const order = leader ? leader.protocols.map((p) => p.name) : [...common];
    let best = '';
    let bestVotes = -1;
    for (const name of order) {
      const v = votes.get(name) ?? 0;
      if (common.has(name) && v > bestVotes) {
        best = name;
        bestVotes = v;
      }
    }
    return best;
  }

  /**
   * Topics the members of a consumer group subscribe to, read from their consumer-protocol subscriptions (every
   * protocol a member offered, so nothing a member may read is missed). Empty for other protocol types.
   */
  subscribedTopics(): Set<string> {
    const topics = new Set<string>();
    if (this.protocolType !== 'consumer') return topics;
    for (const m of this.members.values()) {
      for (const p of m.protocols) {
        try {
          for (const t of decodeSubscription(p.metadata).topics) topics.add(t);
        } catch {
          // Not consumer-protocol bytes: nothing to read.
        }
      }
    }
    return topics;
  }

  /** The member holding `groupInstanceId`, if any. */
  staticMember(groupInstanceId: string | null | undefined): Member | undefined {
    if (!groupInstanceId) return undefined;
    const id = this.staticMembers.get(groupInstanceId);
    return id === undefined ? undefined : this.members.get(id);
  }

  cancelTimers(): void {
    this.joinTimer?.cancel();
    this.syncTimer?.cancel();
    this.joinTimer = null;
    this.syncTimer = null;
    for (const t of this.pendingMembers.values()) t.cancel();
    for (const m of this.members.values()) m.stopSession();
  }
}
