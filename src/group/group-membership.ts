import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
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
import type { GroupRebalancer } from './group-rebalancer.js';
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
  /** Where rebalances and member removals are reported. */
  readonly logger: Logger;
  /** Persists the group's metadata record; rejects when the log refuses the write. */
  storeGroup(group: Group): Promise<void>;
}

/**
 * Kafka's group membership protocol over one {@link Group}: the JoinGroup, SyncGroup, Heartbeat and LeaveGroup
 * requests. The rebalances they start, and the timers that drive them, are the {@link GroupRebalancer}'s.
 *
 * Invariants: a JoinGroup resolves only when the rebalance completes (every member rejoined or the rebalance
 * timeout removed the rest); a generation's assignments are handed out only after the leader's SyncGroup was
 * stored; a request carrying an old generation or an unknown member id is refused, which fences zombies.
 */
export class GroupMembership {
  constructor(
    private readonly host: MembershipHost,
    private readonly rebalancer: GroupRebalancer,
  ) {}

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
          if (group.state === 'PreparingRebalance') this.rebalancer.maybeCompleteJoin(group);
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
    if (group.initialJoinDeadline !== null) this.rebalancer.extendInitialDelay(group);
    this.rebalancer.prepareOrComplete(group, `member ${memberId} joined`);
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
      return Promise.resolve(this.rebalancer.joinResponse(group, member));
    }
    if (group.state === 'Stable' && !changed && member.memberId !== group.leaderId) {
      this.rebalancer.heartbeatReceived(group, member);
      return Promise.resolve(this.rebalancer.joinResponse(group, member));
    }
    member.joinWaiter?.reject(rebalanceInProgress(group.groupId));
    const joined = (member.joinWaiter = waiter());
    const why = changed ? 'changed its subscription' : 'rejoined';
    this.rebalancer.prepareOrComplete(group, `member ${member.memberId} ${why}`);
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
      this.rebalancer.heartbeatReceived(group, member);
      return Promise.resolve(this.rebalancer.joinResponse(group, member));
    }
    const joined = (member.joinWaiter = waiter());
    this.rebalancer.prepareOrComplete(group, `static member ${member.groupInstanceId} restarted`);
    return joined.promise;
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
    this.rebalancer.heartbeatReceived(group, member);
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
      this.rebalancer.prepareRebalance(group, 'storing the assignment failed');
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
    this.rebalancer.heartbeatReceived(group, member);
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
    for (const { memberId, groupInstanceId = null, reason } of request.members) {
      let error: GroupError | null = null;
      const holder = group.staticMember(groupInstanceId);
      if (groupInstanceId !== null && !holder)
        error = unknownMember(group.groupId, memberId || groupInstanceId);
      else if (holder && memberId !== '' && holder.memberId !== memberId) {
        error = fencedInstance(group.groupId, groupInstanceId!, memberId);
      } else {
        const member = holder ?? group.members.get(memberId);
        if (member) {
          this.rebalancer.dropMember(group, member, `left the group${reason ? ` (${reason})` : ''}`);
          removed = true;
        } else if (group.pendingMembers.has(memberId)) {
          group.pendingMembers.get(memberId)!.cancel();
          group.pendingMembers.delete(memberId);
          removed = true;
        } else error = unknownMember(group.groupId, memberId);
      }
      results.push({ memberId, groupInstanceId, error });
    }
    if (removed) this.rebalancer.afterRemoval(group);
    return { members: results };
  }
}
