import { openGroupCoordinator } from '../../group/index.js';
import type { CoordinatorLog, GroupCoordinator } from '../../group/types.js';

interface Entry {
  coordinator: Promise<GroupCoordinator>;
  users: number;
}

// One coordinator per log: every client, Connect worker and Streams app of a process sharing a Log must meet in
// the same groups, as all clients of a Kafka cluster meet at one coordinator.
const coordinators = new WeakMap<object, Entry>();

/** The coordinator of `log`, opened on first use; pair every call with {@link releaseCoordinator}. */
export function acquireCoordinator(log: CoordinatorLog): Promise<GroupCoordinator> {
  let entry = coordinators.get(log);
  if (!entry) {
    // In one process nothing spreads groups over partitions: one partition of __consumer_offsets is enough, where
    // Kafka's 50 made a small pipeline create 50 directories. `sluice broker` keeps Kafka's 50; a log keeps the
    // partition count its offsets topic was created with.
    entry = {
      coordinator: openGroupCoordinator({ log, config: { 'offsets.topic.num.partitions': 1 } }),
      users: 0,
    };
    coordinators.set(log, entry);
    entry.coordinator.catch(() => coordinators.delete(log));
  }
  entry.users++;
  return entry.coordinator;
}

/** Drops one use; the last one closes the coordinator (the log stays open). */
export async function releaseCoordinator(log: CoordinatorLog): Promise<void> {
  const entry = coordinators.get(log);
  if (!entry || --entry.users > 0) return;
  coordinators.delete(log);
  await (await entry.coordinator).close();
}
