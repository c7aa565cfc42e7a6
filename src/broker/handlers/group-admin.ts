import { errorCodeOf } from '../protocol/error-codes.js';
import { DeleteGroups, DescribeGroups, ListGroups } from '../protocol/messages/index.js';
import { GROUP_OPERATIONS, OPERATIONS_NOT_ASKED } from './authorized-operations.js';
import { handler } from './handler.js';

/** Every group here runs the classic rebalance protocol (KIP-848 calls it that; its own groups are "consumer"). */
const GROUP_TYPE = 'classic';

/**
 * Lists the groups, with their states (v4+) and types (v5+). A states or types filter keeps only the groups that
 * match one of its entries, compared without regard to case as Kafka does; an empty filter keeps all.
 */
export const listGroups = handler(ListGroups, async (ctx, req) => {
  if (!ctx.groups) return { errorCode: 0, groups: [] };
  const states = new Set(req.statesFilter.map((s) => s.toLowerCase()));
  const types = new Set(req.typesFilter.map((t) => t.toLowerCase()));
  const groups = (await ctx.groups.listGroups()).filter(
    (g) =>
      (states.size === 0 || states.has(g.state.toLowerCase())) && (types.size === 0 || types.has(GROUP_TYPE)),
  );
  return {
    errorCode: 0,
    groups: groups.map((g) => ({
      groupId: g.groupId,
      protocolType: g.protocolType,
      groupState: g.state,
      groupType: GROUP_TYPE,
    })),
  };
});

/** An unknown group is reported Dead with no members, as Kafka does. */
export const describeGroups = handler(DescribeGroups, async (ctx, req) => {
  if (!ctx.groups) {
    return { groups: req.groups.map((groupId) => ({ errorCode: 15, groupId, groupState: 'Dead' })) };
  }
  try {
    const described = await ctx.groups.describeGroups(req.groups);
    return {
      groups: described.map((g) => ({
        errorCode: 0,
        groupId: g.groupId,
        groupState: g.state,
        protocolType: g.protocolType,
        protocolData: g.protocolName,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: m.metadata,
          memberAssignment: m.assignment,
        })),
        authorizedOperations: req.includeAuthorizedOperations ? GROUP_OPERATIONS : OPERATIONS_NOT_ASKED,
      })),
    };
  } catch (err) {
    return {
      groups: req.groups.map((groupId) => ({ errorCode: errorCodeOf(err), groupId, groupState: 'Dead' })),
    };
  }
});

/** Only empty groups can be deleted; each group has its own outcome. */
export const deleteGroups = handler(DeleteGroups, async (ctx, req) => {
  if (!ctx.groups) return { results: req.groupsNames.map((groupId) => ({ groupId, errorCode: 15 })) };
  try {
    const results = await ctx.groups.deleteGroups(req.groupsNames);
    return {
      results: results.map((r) => ({ groupId: r.groupId, errorCode: r.error ? errorCodeOf(r.error) : 0 })),
    };
  } catch (err) {
    return { results: req.groupsNames.map((groupId) => ({ groupId, errorCode: errorCodeOf(err) })) };
  }
});
