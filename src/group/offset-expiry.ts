import type { Group } from './group.js';
import type { OffsetStore } from './offset-store.js';

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
 * Kafka's offset retention (KIP-211): the offsets of a consumer group expire once the group has been Empty for
 * the retention period; offsets of a group that never had members (simple commits) expire that long after their
 * own commit. An offset committed more recently than the group emptied is kept for the full period after its
 * commit. Expired offsets get tombstones, and a group left empty with no offsets is removed.
 */
export async function expireOffsets(context: ExpiryContext): Promise<void> {
  const { store, now, retentionMs } = context;
  for (const group of context.groups) {
    if (group.state !== 'Empty') continue;
    const simple = group.protocolType === '';
    const expired = store.list(group.groupId).filter((o) => {
      const since = simple
        ? o.value.commitTimestamp
        : Math.max(group.stateTimestamp, o.value.commitTimestamp);
      return since + retentionMs <= now;
    });
    await store.remove(group.groupId, expired);
    if (group.state === 'Empty' && !store.hasOffsets(group.groupId)) await context.removeGroup(group);
  }
}
