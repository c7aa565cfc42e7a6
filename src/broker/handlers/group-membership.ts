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

/** Every group lives on this node; transactions (key type 1) have no coordinator here. */
export const findCoordinator = handler(FindCoordinator, async (ctx, req) => {
  if (req.keyType !== 0 || !ctx.groups) {
    const errorMessage =
      req.keyType !== 0 ? 'transactions are not supported' : 'this broker serves no groups';
    return { errorCode: ERROR_CODES.COORDINATOR_NOT_AVAILABLE, errorMessage, nodeId: -1, host: '', port: -1 };
  }
  const { host, port } = ctx.advertised();
  return { errorCode: 0, errorMessage: null, nodeId: ctx.config.nodeId, host, port };
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
    return { errorCode: 0, assignment: synced.assignment };
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
  const members = info.apiVersion < 3 ? [{ memberId: req.memberId, groupInstanceId: null }] : req.members;
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
