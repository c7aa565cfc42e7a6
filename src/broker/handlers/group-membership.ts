import { GroupError, MemberIdRequiredError } from '../../errors.js';
import type { GroupCoordinator } from '../../group/index.js';
import type { BrokerContext } from '../broker-context.js';
import { ERROR_CODES, errorCodeOf } from '../protocol/error-codes.js';
import { FindCoordinator, Heartbeat, JoinGroup, LeaveGroup, SyncGroup } from '../protocol/messages/index.js';
import { handler } from './handler.js';

/** The coordinator, or a COORDINATOR_NOT_AVAILABLE error when the broker runs without one. */
export function coordinator(ctx: BrokerContext, groupId: string): GroupCoordinator {
  if (!ctx.groups)
    throw new GroupError('COORDINATOR_NOT_AVAILABLE', groupId, 'this broker serves no groups', true);
  return ctx.groups;
}

/** Kafka's coordinator key types. */
enum CoordinatorType {
  Group = 0,
  Transaction = 1,
}

interface Coordinator {
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

function coordinatorFor(ctx: BrokerContext, keyType: number): Coordinator {
  const none = { nodeId: -1, host: '', port: -1 };
  if (keyType === CoordinatorType.Transaction) {
    // Not served: a non-retriable error, so that a transactional producer fails at once and says why, rather
    // than retrying until its own timeout.
    const errorMessage = 'transactions are not served by this broker (transactional.id is refused)';
    return { errorCode: ERROR_CODES.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, errorMessage, ...none };
  }
  if (keyType !== CoordinatorType.Group) {
    const errorMessage = `coordinator key type ${keyType} is not served; 0 (group) is`;
    return { errorCode: ERROR_CODES.INVALID_REQUEST, errorMessage, ...none };
  }
  if (!ctx.groups) {
    const errorMessage = 'this broker serves no groups';
    return { errorCode: ERROR_CODES.COORDINATOR_NOT_AVAILABLE, errorMessage, ...none };
  }
  const { host, port } = ctx.advertised();
  return { errorCode: 0, errorMessage: null, nodeId: ctx.config.nodeId, host, port };
}

/**
 * Every group lives on this node; transactions (key type 1) have no coordinator here. v4+ looks up a batch of
 * keys, each answered on its own.
 */
export const findCoordinator = handler(FindCoordinator, async (ctx, req, info) => {
  if (info.apiVersion < 4) return coordinatorFor(ctx, req.keyType);
  return { coordinators: req.coordinatorKeys.map((key) => ({ key, ...coordinatorFor(ctx, req.keyType) })) };
});

/** Resolves when the rebalance completes; the leader gets every member's subscription. */
export const joinGroup = handler(JoinGroup, async (ctx, req, info) => {
  try {
    const joined = await coordinator(ctx, req.groupId).joinGroup({
      groupId: req.groupId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: info.clientId ?? '',
      clientHost: info.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      // v0 has no rebalance timeout: Kafka uses the session timeout.
      rebalanceTimeoutMs: req.rebalanceTimeoutMs < 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
      requireKnownMemberId: info.apiVersion >= 4,
    });
    return {
      errorCode: 0,
      generationId: joined.generationId,
      protocolType: joined.protocolType,
      protocolName: joined.protocolName,
      leader: joined.leaderId,
      memberId: joined.memberId,
      members: joined.members,
    };
  } catch (err) {
    const memberId = err instanceof MemberIdRequiredError ? err.memberId : req.memberId;
    return {
      errorCode: errorCodeOf(err),
      generationId: -1,
      protocolName: '',
      leader: '',
      memberId,
      members: [],
    };
  }
});

export const syncGroup = handler(SyncGroup, async (ctx, req) => {
  try {
    const synced = await coordinator(ctx, req.groupId).syncGroup(req);
    return {
      errorCode: 0,
      protocolType: synced.protocolType,
      protocolName: synced.protocolName,
      assignment: synced.assignment,
    };
  } catch (err) {
    return { errorCode: errorCodeOf(err) };
  }
});

export const heartbeat = handler(Heartbeat, async (ctx, req) => {
  try {
    await coordinator(ctx, req.groupId).heartbeat(req);
    return { errorCode: 0 };
  } catch (err) {
    return { errorCode: errorCodeOf(err) };
  }
});

/** v0–2 name one member; v3+ a batch, each with its own outcome. */
export const leaveGroup = handler(LeaveGroup, async (ctx, req, info) => {
  const members =
    info.apiVersion < 3
      ? [{ memberId: req.memberId, groupInstanceId: null }]
      : req.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          reason: m.reason ?? undefined,
        }));
  try {
    const left = await coordinator(ctx, req.groupId).leaveGroup({ groupId: req.groupId, members });
    const results = left.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      errorCode: m.error ? errorCodeOf(m.error) : 0,
    }));
    // Before v3 the one member's outcome is the response's.
    const errorCode = info.apiVersion < 3 ? (results[0]?.errorCode ?? 0) : 0;
    return { errorCode, members: results };
  } catch (err) {
    return { errorCode: errorCodeOf(err), members: [] };
  }
});
