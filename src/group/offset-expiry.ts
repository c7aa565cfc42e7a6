import type { Group } from './group.js';
import type { OffsetStore, StoredOffset } from './offset-store.js';

export interface ExpiryContext {
  groups: Group[];
  store: OffsetStore;
  now: number;
  /** `offsets.retention.minutes` in milliseconds. */
  retentionMs: number;
  /** Marks an empty group without offsets Dead and writes its tombstone. */
  removeGroup(group: Group): Promise<void>;
}

/**
 * Kafka's offset retention (KIP-211, KIP-496):
 * - offsets of a consumer group expire once the group has been Empty for the retention period (an offset committed
 *   after the group emptied is kept for the full period after its commit);
 * - offsets of a group that never had members (simple commits) expire that long after their commit;
 * - offsets a Stable consumer group holds for topics none of its members subscribes to any more expire that long
 *   after their commit.
 * Expired offsets get tombstones, and an empty group with no offsets left is removed.
 */
export async function expireOffsets(context: ExpiryContext): Promise<void> {
  const { store, now, retentionMs } = context;
  for (const group of context.groups) {
    const simple = group.protocolType === '';
    let expired: StoredOffset[] = [];
    if (group.state === 'Empty') {
      expired = store.list(group.groupId).filter((o) => {
        const since = simple
          ? o.value.commitTimestamp
          : Math.max(group.stateTimestamp, o.value.commitTimestamp);
        return since + retentionMs <= now;
      });
    } else if (group.state === 'Stable' && group.protocolType === 'consumer') {
      const subscribed = group.subscribedTopics();
      expired = store
        .list(group.groupId)
        .filter((o) => !subscribed.has(o.topic) && o.value.commitTimestamp + retentionMs <= now);
    }
    await store.remove(group.groupId, expired);
    if (group.state === 'Empty' && !store.hasOffsets(group.groupId)) await context.removeGroup(group);
  }
}
