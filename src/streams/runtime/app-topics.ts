import type { Admin } from '../../client/admin.js';
import { TopicExistsError, UnknownTopicError } from '../../errors.js';
import { changelogTopic, type Topology } from '../topology.js';

/**
 * Creates the topics an app needs and does not find: its repartition topics, the changelog of each store, and its
 * output topics, each with as many partitions as the widest input. Rejects with {@link UnknownTopicError} when an
 * input topic does not exist.
 */
export async function createAppTopics(
  admin: Admin,
  applicationId: string,
  topology: Topology,
  topics: string[],
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const prefix = `${applicationId}-`;
  const internal = (topic: string) => topic.startsWith(prefix) && topic.endsWith('-repartition');
  const external = topics.filter((topic) => !internal(topic));
  for (const topic of external) if (!existing.has(topic)) throw new UnknownTopicError(topic);
  const described = await admin.describeTopics(external);
  const partitions = Math.max(1, ...described.map((t) => t.partitions.length));
  const wanted = [
    ...topics.filter(internal).map((name) => ({ name, partitions, config: {} })),
    ...topology.storeGroups().map((group) => ({
      name: changelogTopic(applicationId, group.name),
      partitions,
      config: { 'cleanup.policy': group.changelogCleanupPolicy() },
    })),
    // Output topics too: one creation before any send, so no producer races another to create them.
    ...topology
      .sinkTopics()
      .filter((name) => !topics.includes(name))
      .map((name) => ({ name, partitions, config: {} })),
  ].filter((topic, i, all) => !existing.has(topic.name) && all.findIndex((t) => t.name === topic.name) === i);
  // One by one: another instance starting at the same time may create some of them first, which is as good.
  for (const topic of wanted) {
    try {
      await admin.createTopics([topic]);
    } catch (error) {
      if (!(error instanceof TopicExistsError)) throw error;
    }
  }
}
