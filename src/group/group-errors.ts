/**
 * The GroupErrors the coordinator raises, each with a message that says what the member should do. Retriable
 * ones are those a well-behaved client handles by itself (rejoin, retry).
 */
import { GroupError } from '../errors.js';

export function unknownMember(groupId: string, memberId: string): GroupError {
  return new GroupError(
    'UNKNOWN_MEMBER_ID',
    groupId,
    `member ${JSON.stringify(memberId)} is not in the group (it left, or its session timed out); rejoin with an empty member id`,
  );
}

export function illegalGeneration(
  groupId: string,
  memberId: string,
  given: number,
  current: number,
): GroupError {
  return new GroupError(
    'ILLEGAL_GENERATION',
    groupId,
    `member ${JSON.stringify(memberId)} is at generation ${given} but the group is at generation ${current}; its partitions may have moved, rejoin the group`,
  );
}

export function rebalanceInProgress(groupId: string): GroupError {
  return new GroupError('REBALANCE_IN_PROGRESS', groupId, 'the group is rebalancing; rejoin it', true);
}

export function fencedInstance(groupId: string, groupInstanceId: string, memberId: string): GroupError {
  return new GroupError(
    'FENCED_INSTANCE_ID',
    groupId,
    `member ${JSON.stringify(memberId)} was fenced: group.instance.id ${JSON.stringify(groupInstanceId)} is held by a newer member; make sure no two consumers share a group.instance.id`,
  );
}

export function coordinatorNotAvailable(groupId: string, why: string): GroupError {
  return new GroupError('COORDINATOR_NOT_AVAILABLE', groupId, `${why}; retry`, true);
}

export function inconsistentProtocol(groupId: string, why: string): GroupError {
  return new GroupError('INCONSISTENT_GROUP_PROTOCOL', groupId, why);
}
