import { randomUUID } from 'node:crypto';
import { GroupError, MemberIdRequiredError } from '../errors.js';
import type { Group } from './group.js';
import {
  coordinatorNotAvailable,
  fencedInstance,
  illegalGeneration,
  inconsistentProtocol,
  rebalanceInProgress,
  unknownMember,
} from './group-errors.js';
import { Member, waiter } from './member.js';
import type {
  CoordinatorConfig,
  HeartbeatRequest,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  Scheduler,
  SyncGroupRequest,
  SyncGroupResponse,
} from './types.js';

/** What membership needs from the coordinator around it. */
export interface MembershipHost {
  readonly scheduler: Scheduler;
  readonly config: CoordinatorConfig;
  /** Persists the group's metadata record; rejects when the log refuses the write. */
  storeGroup(group: Group): Promise<void>;
}

/**
 * Kafka's group membership protocol over one {@link Group}: JoinGroup, SyncGroup, Heartbeat and LeaveGroup, with
 * the timers that drive rebalances (session, rebalance, pending sync, initial delay).
 *
 * Invariants: a JoinGroup resolves only when the rebalance completes (every member rejoined or the rebalance
 * timeout removed the rest); a generation's assignments are handed out only after the leader's SyncGroup was
 * stored; a request carrying an old generation or an unknown member id is refused, which fences zombies.
 */
export class GroupMembership {
  constructor(private readonly host: MembershipHost) {}

  private get now(): number {
    return this.host.scheduler.now();
  }

  join(group: Group, request: JoinGroupRequest): Promise<JoinGroupResponse> {
    this.checkProtocols(group, request);
    const instanceId = request.groupInstanceId ?? null;
    const holder = group.staticMember(instanceId);
    if (request.memberId === '') {
      if (holder) return this.replaceStaticMember(group, holder, request);
      if (group.members.size + group.pendingMembers.size >= this.host.config['group.max.size']) {
        throw new GroupError('GROUP_MAX_SIZE_REACHED', group.groupId, 'the group is full (group.max.size)');
      }
      const memberId = `${instanceId ?? request.clientId}-${randomUUID()}`;
      if (request.requireKnownMemberId && instanceId === null) {
        // KIP-394: the id exists for one session timeout; the member must come back with it.
        const timer = this.host.scheduler.setTimeout(() => {
          group.pendingMembers.delete(memberId);
          if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
        }, request.sessionTimeoutMs);
        group.pendingMembers.set(memberId, timer);
        throw new MemberIdRequiredError(group.groupId, memberId);
      }
      return this.addMember(group, memberId, request);
    }
    if (holder && holder.memberId !== request.memberId) {
      throw fencedInstance(group.groupId, instanceId!, request.memberId);
    }
    const pending = group.pendingMembers.get(request.memberId);
    if (pending) {
      pending.cancel();
      group.pendingMembers.delete(request.memberId);
      return this.addMember(group, request.memberId, request);
    }
    const member = group.members.get(request.memberId);
    if (!member) throw unknownMember(group.groupId, request.memberId);
    return this.rejoin(group, member, request);
  }

  private checkProtocols(group: Group, request: JoinGroupRequest): void {
    if (request.protocolType === '' || request.protocols.length === 0) {
      throw inconsistentProtocol(group.groupId, 'a join must name a protocol type and at least one protocol');
    }
    const others = group.commonProtocols(request.memberId || undefined);
    if (others === null) return;
    if (request.protocolType !== group.protocolType) {
      throw inconsistentProtocol(
        group.groupId,
        `protocol type ${JSON.stringify(request.protocolType)} differs from the group's ${JSON.stringify(group.protocolType)}`,
      );
    }
    if (!request.protocols.some((p) => others.has(p.name))) {
      throw inconsistentProtocol(
        group.groupId,
        `none of the assignors [${request.protocols.map((p) => p.name).join(', ')}] is supported by every member (they support [${[...others].join(', ')}])`,
      );
    }
  }

  private addMember(group: Group, memberId: string, request: JoinGroupRequest): Promise<JoinGroupResponse> {
    const member = new Member(
      memberId,
      request.groupInstanceId ?? null,
      request.clientId,
      request.clientHost,
      request.sessionTimeoutMs,
      request.rebalanceTimeoutMs ?? request.sessionTimeoutMs,
      request.protocolType,
      request.protocols,
    );
    if (group.members.size === 0) group.protocolType = request.protocolType;
    group.members.set(memberId, member);
    if (member.groupInstanceId !== null) group.staticMembers.set(member.groupInstanceId, memberId);
    if (group.leaderId === null) group.leaderId = memberId;
    const joined = (member.joinWaiter = waiter());
    if (group.initialJoinDeadline !== null) this.extendInitialDelay(group);
    this.prepareOrComplete(group);
    return joined.promise;
  }

  private rejoin(group: Group, member: Member, request: JoinGroupRequest): Promise<JoinGroupResponse> {
    const changed = !member.sameProtocols(request.protocols);
    member.clientId = request.clientId;
    member.clientHost = request.clientHost;
    member.sessionTimeoutMs = request.sessionTimeoutMs;
    member.rebalanceTimeoutMs = request.rebalanceTimeoutMs ?? request.sessionTimeoutMs;
    member.protocols = request.protocols;
    if (group.state === 'CompletingRebalance' && !changed) {
      return Promise.resolve(this.joinResponse(group, member));
    }
    if (group.state === 'Stable' && !changed && member.memberId !== group.leaderId) {
      this.heartbeatReceived(group, member);
      return Promise.resolve(this.joinResponse(group, member));
    }
    member.joinWaiter?.reject(rebalanceInProgress(group.groupId));
    const joined = (member.joinWaiter = waiter());
    this.prepareOrComplete(group);
    return joined.promise;
  }

  /** A static member restarted under a new member id: it takes over, and the old id is fenced. */
  private replaceStaticMember(
    group: Group,
    old: Member,
    request: JoinGroupRequest,
  ): Promise<JoinGroupResponse> {
    const member = new Member(
      `${old.groupInstanceId}-${randomUUID()}`,
      old.groupInstanceId,
      request.clientId,
      request.clientHost,
      request.sessionTimeoutMs,
      request.rebalanceTimeoutMs ?? request.sessionTimeoutMs,
      request.protocolType,
      request.protocols,
    );
    member.assignment = old.assignment;
    old.stopSession();
    old.failWaiting(fencedInstance(group.groupId, old.groupInstanceId!, old.memberId));
    group.members.delete(old.memberId);
    group.members.set(member.memberId, member);
    group.staticMembers.set(member.groupInstanceId!, member.memberId);
    if (group.pendingSync.delete(old.memberId)) group.pendingSync.add(member.memberId);
    const wasLeader = group.leaderId === old.memberId;
    if (wasLeader) group.leaderId = member.memberId;
    if (group.state === 'Stable' && !wasLeader && old.sameProtocols(request.protocols)) {
      this.heartbeatReceived(group, member);
      return Promise.resolve(this.joinResponse(group, member));
    }
    const joined = (member.joinWaiter = waiter());
    this.prepareOrComplete(group);
    return joined.promise;
  }

  private prepareOrComplete(group: Group): void {
    if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
    else this.prepareRebalance(group);
  }

  /** Starts a rebalance: every member must rejoin within the rebalance timeout. */
  prepareRebalance(group: Group): void {
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
  private extendInitialDelay(group: Group): void {
    const deadline = group.initialJoinDeadline!;
    const wait = Math.max(
      0,
      Math.min(this.host.config['group.initial.rebalance.delay.ms'], deadline - this.now),
    );
    group.joinTimer?.cancel();
    group.joinTimer = this.host.scheduler.setTimeout(() => this.completeJoin(group), wait);
  }

  private maybeCompleteJoin(group: Group): void {
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
    for (const m of [...group.members.values()]) if (!m.joinWaiter) this.dropMember(group, m);
    for (const t of group.pendingMembers.values()) t.cancel();
    group.pendingMembers.clear();
    group.generationId += 1;
    if (group.members.size === 0) {
      group.protocolName = null;
      group.leaderId = null;
      group.transition('Empty', this.now);
      void this.host.storeGroup(group).catch(() => undefined);
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
    group.syncTimer = this.host.scheduler.setTimeout(
      () => this.onSyncTimeout(group, generation),
      group.rebalanceTimeoutMs(),
    );
  }

  private joinResponse(group: Group, member: Member): JoinGroupResponse {
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
      if (m) this.dropMember(group, m);
    }
    this.afterRemoval(group);
  }

  sync(group: Group, request: SyncGroupRequest): Promise<SyncGroupResponse> {
    const member = this.validMember(group, request);
    if (request.protocolType != null && request.protocolType !== group.protocolType) {
      throw inconsistentProtocol(group.groupId, `protocol type ${request.protocolType} is not the group's`);
    }
    if (request.protocolName != null && request.protocolName !== group.protocolName) {
      throw inconsistentProtocol(group.groupId, `protocol ${request.protocolName} is not the group's`);
    }
    if (group.state === 'PreparingRebalance') throw rebalanceInProgress(group.groupId);
    group.pendingSync.delete(member.memberId);
    this.heartbeatReceived(group, member);
    if (group.state === 'Stable') return Promise.resolve(this.syncResponse(group, member));
    member.syncWaiter?.reject(rebalanceInProgress(group.groupId));
    const synced = (member.syncWaiter = waiter());
    if (member.memberId === group.leaderId) void this.applyAssignments(group, request);
    return synced.promise;
  }

  private async applyAssignments(group: Group, request: SyncGroupRequest): Promise<void> {
    const generation = group.generationId;
    const plan = new Map(request.assignments.map((a) => [a.memberId, a.assignment]));
    for (const m of group.members.values()) m.assignment = plan.get(m.memberId) ?? Buffer.alloc(0);
    let failure: unknown;
    try {
      await this.host.storeGroup(group);
    } catch (error) {
      failure = error;
    }
    if (group.generationId !== generation || group.state !== 'CompletingRebalance') return;
    if (failure !== undefined) {
      const error = coordinatorNotAvailable(
        group.groupId,
        `storing the assignment failed (${String(failure)})`,
      );
      for (const m of group.members.values()) {
        m.syncWaiter?.reject(error);
        m.syncWaiter = null;
      }
      this.prepareRebalance(group);
      return;
    }
    group.transition('Stable', this.now);
    for (const m of group.members.values()) {
      m.syncWaiter?.resolve(this.syncResponse(group, m));
      m.syncWaiter = null;
    }
  }

  private syncResponse(group: Group, member: Member): SyncGroupResponse {
    return {
      protocolType: group.protocolType,
      protocolName: group.protocolName ?? '',
      assignment: member.assignment,
    };
  }

  heartbeat(group: Group, request: HeartbeatRequest): void {
    const member = this.validMember(group, request);
    this.heartbeatReceived(group, member);
    if (group.state === 'PreparingRebalance') throw rebalanceInProgress(group.groupId);
  }

  /**
   * The member as of the current generation, or the error Kafka gives: UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID,
   * ILLEGAL_GENERATION.
   */
  validMember(
    group: Group,
    request: { memberId: string; generationId: number; groupInstanceId?: string | null },
  ): Member {
    const holder = group.staticMember(request.groupInstanceId);
    if (holder && holder.memberId !== request.memberId) {
      throw fencedInstance(group.groupId, request.groupInstanceId!, request.memberId);
    }
    const member = group.members.get(request.memberId);
    if (!member || group.state === 'Empty' || group.state === 'Dead') {
      throw unknownMember(group.groupId, request.memberId);
    }
    if (request.generationId !== group.generationId) {
      throw illegalGeneration(group.groupId, request.memberId, request.generationId, group.generationId);
    }
    return member;
  }

  leave(group: Group, request: LeaveGroupRequest): LeaveGroupResponse {
    const results: LeaveGroupResponse['members'] = [];
    let removed = false;
    for (const { memberId, groupInstanceId = null } of request.members) {
      let error: GroupError | null = null;
      const holder = group.staticMember(groupInstanceId);
      if (groupInstanceId !== null && !holder)
        error = unknownMember(group.groupId, memberId || groupInstanceId);
      else if (holder && memberId !== '' && holder.memberId !== memberId) {
        error = fencedInstance(group.groupId, groupInstanceId!, memberId);
      } else {
        const member = holder ?? group.members.get(memberId);
        if (member) {
          this.dropMember(group, member);
          removed = true;
        } else if (group.pendingMembers.has(memberId)) {
          group.pendingMembers.get(memberId)!.cancel();
          group.pendingMembers.delete(memberId);
          removed = true;
        } else error = unknownMember(group.groupId, memberId);
      }
      results.push({ memberId, groupInstanceId, error });
    }
    if (removed) this.afterRemoval(group);
    return { members: results };
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
    this.dropMember(group, member);
    this.afterRemoval(group);
  }

  /** Removes a member without touching the group's state; callers follow up with {@link afterRemoval}. */
  private dropMember(group: Group, member: Member): void {
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
  private afterRemoval(group: Group): void {
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') this.prepareRebalance(group);
    else if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
  }

  /** Fails everything waiting and stops every timer (coordinator closing, group deleted). */
  shutdown(group: Group, error: Error): void {
    group.cancelTimers();
    for (const m of group.members.values()) m.failWaiting(error);
  }
}
