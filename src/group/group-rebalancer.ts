import type { Group } from './group.js';
import { rebalanceInProgress, unknownMember } from './group-errors.js';
import type { MembershipHost } from './group-membership.js';
import type { Member } from './member.js';
import type { JoinGroupResponse } from './types.js';

/**
 * The timers and transitions of a rebalance: preparing it (every member must rejoin), completing the join phase
 * (the next generation, its leader and protocol), session expiry, and removal of members that stop answering.
 *
 * Invariants: a JoinGroup resolves only when the join phase completes, when every member rejoined or the
 * rebalance timeout removed the rest; members waiting in JoinGroup or SyncGroup are kept alive by those waits,
 * which the rebalance and pending-sync timeouts bound.
 */
export class GroupRebalancer {
  constructor(private readonly host: MembershipHost) {}

  private get now(): number {
    return this.host.scheduler.now();
  }

  prepareOrComplete(group: Group, reason: string): void {
    if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
    else this.prepareRebalance(group, reason);
  }

  /** Starts a rebalance: every member must rejoin within the rebalance timeout. */
  prepareRebalance(group: Group, reason: string): void {
    this.host.logger.info(
      { group: group.groupId, generation: group.generationId, state: group.state, reason },
      'preparing rebalance',
    );
    if (group.state === 'CompletingRebalance') {
      // The generation being synced is abandoned: members waiting for it rejoin.
      for (const m of group.members.values()) {
        m.syncWaiter?.reject(rebalanceInProgress(group.groupId));
        m.syncWaiter = null;
      }
    }
    group.syncTimer?.cancel();
    group.syncTimer = null;
    group.pendingSync.clear();
    const wasEmpty = group.state === 'Empty';
    group.transition('PreparingRebalance', this.now);
    group.joinTimer?.cancel();
    const rebalanceTimeout = group.rebalanceTimeoutMs();
    const delay = this.host.config['group.initial.rebalance.delay.ms'];
    if (wasEmpty && delay > 0) {
      group.initialJoinDeadline = this.now + rebalanceTimeout;
      this.extendInitialDelay(group);
      return;
    }
    group.joinTimer = this.host.scheduler.setTimeout(() => this.completeJoin(group), rebalanceTimeout);
    this.maybeCompleteJoin(group);
  }

  /** KIP-134: while members keep arriving at an empty group, wait one more delay, up to the rebalance timeout. */
  extendInitialDelay(group: Group): void {
    const deadline = group.initialJoinDeadline!;
    const wait = Math.max(
      0,
      Math.min(this.host.config['group.initial.rebalance.delay.ms'], deadline - this.now),
    );
    group.joinTimer?.cancel();
    group.joinTimer = this.host.scheduler.setTimeout(() => this.completeJoin(group), wait);
  }

  maybeCompleteJoin(group: Group): void {
    if (group.state === 'PreparingRebalance' && group.initialJoinDeadline === null && group.allJoined()) {
      this.completeJoin(group);
    }
  }

  /** Ends the join phase: members that did not rejoin are removed and the next generation starts. */
  private completeJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    group.joinTimer?.cancel();
    group.joinTimer = null;
    group.initialJoinDeadline = null;
    for (const m of [...group.members.values()]) {
      if (!m.joinWaiter) this.dropMember(group, m, 'did not rejoin within the rebalance timeout');
    }
    for (const t of group.pendingMembers.values()) t.cancel();
    group.pendingMembers.clear();
    group.generationId += 1;
    if (group.members.size === 0) {
      group.protocolName = null;
      group.leaderId = null;
      group.transition('Empty', this.now);
      this.host.logger.info({ group: group.groupId, generation: group.generationId }, 'group is empty');
      void this.host.storeGroup(group).catch((err: unknown) => {
        this.host.logger.warn({ err, group: group.groupId }, 'storing the empty group failed');
      });
      return;
    }
    group.protocolName = group.selectProtocol();
    if (group.leaderId === null || !group.members.has(group.leaderId)) {
      group.leaderId = group.members.keys().next().value!;
    }
    group.transition('CompletingRebalance', this.now);
    for (const m of group.members.values()) {
      m.assignment = Buffer.alloc(0);
      m.joinWaiter!.resolve(this.joinResponse(group, m));
      m.joinWaiter = null;
      group.pendingSync.add(m.memberId);
      this.heartbeatReceived(group, m);
    }
    const generation = group.generationId;
    this.host.logger.info(
      {
        group: group.groupId,
        generation,
        protocol: group.protocolName,
        leader: group.leaderId,
        members: group.members.size,
      },
      'rebalance completed',
    );
    group.syncTimer = this.host.scheduler.setTimeout(
      () => this.onSyncTimeout(group, generation),
      group.rebalanceTimeoutMs(),
    );
  }

  joinResponse(group: Group, member: Member): JoinGroupResponse {
    const isLeader = member.memberId === group.leaderId;
    return {
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName ?? '',
      leaderId: group.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: m.metadataFor(group.protocolName),
          }))
        : [],
    };
  }

  /** Members that never sent SyncGroup for this generation are gone; the others rebalance without them. */
  private onSyncTimeout(group: Group, generation: number): void {
    group.syncTimer = null;
    if (group.generationId !== generation || group.pendingSync.size === 0) return;
    if (group.state !== 'CompletingRebalance' && group.state !== 'Stable') return;
    for (const id of [...group.pendingSync]) {
      const m = group.members.get(id);
      if (m) this.dropMember(group, m, 'did not sync within the rebalance timeout');
    }
    this.afterRemoval(group);
  }

  /** Resets the member's session timer: it is alive for another session timeout. */
  heartbeatReceived(group: Group, member: Member): void {
    member.stopSession();
    member.sessionTimer = this.host.scheduler.setTimeout(
      () => this.onSessionExpired(group, member),
      member.sessionTimeoutMs,
    );
  }

  private onSessionExpired(group: Group, member: Member): void {
    member.sessionTimer = null;
    if (group.members.get(member.memberId) !== member) return;
    // A member waiting in JoinGroup or SyncGroup is alive; the rebalance and sync timeouts bound those waits.
    if (member.joinWaiter || member.syncWaiter) {
      this.heartbeatReceived(group, member);
      return;
    }
    this.dropMember(group, member, `no heartbeat within session.timeout.ms=${member.sessionTimeoutMs}`);
    this.afterRemoval(group);
  }

  /** Removes a member without touching the group's state; callers follow up with {@link afterRemoval}. */
  dropMember(group: Group, member: Member, reason: string): void {
    this.host.logger.info(
      { group: group.groupId, memberId: member.memberId, clientId: member.clientId, reason },
      'member removed',
    );
    member.stopSession();
    member.failWaiting(unknownMember(group.groupId, member.memberId));
    group.members.delete(member.memberId);
    group.pendingSync.delete(member.memberId);
    if (
      member.groupInstanceId !== null &&
      group.staticMembers.get(member.groupInstanceId) === member.memberId
    ) {
      group.staticMembers.delete(member.groupInstanceId);
    }
    if (group.leaderId === member.memberId) group.leaderId = group.members.keys().next().value ?? null;
  }

  /** After members left: the remaining ones rebalance (or the join in progress may now be complete). */
  afterRemoval(group: Group): void {
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') {
      this.prepareRebalance(group, 'a member was removed');
    } else if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
  }

  /** Fails everything waiting and stops every timer (coordinator closing, group deleted). */
  shutdown(group: Group, error: Error): void {
    group.cancelTimers();
    for (const m of group.members.values()) m.failWaiting(error);
  }
}
