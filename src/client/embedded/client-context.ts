import { TopicExistsError, UnknownTopicError } from '../../errors.js';
import type { GroupCoordinator } from '../../group/types.js';
import type { Partitioner } from '../producer.js';
import type { EmbeddedLog } from './embedded-log.js';

/** What the producers, consumers and admin of one embedded client share. */
export class ClientContext {
  constructor(
    readonly log: EmbeddedLog,
    readonly coordinator: () => Promise<GroupCoordinator>,
    readonly settings: {
      clientId: string;
      autoCreateTopics: boolean;
      defaultPartitions: number;
      partitioner: Partitioner;
    },
  ) {}

  /**
   * The partition count of `topic`, creating the topic first when it is missing and both the caller and the
   * client allow it. Throws {@link UnknownTopicError} otherwise.
   */
  async partitionsOf(topic: string, allowCreate: boolean): Promise<number> {
    if (!this.log.hasTopic(topic)) {
      if (!allowCreate || !this.settings.autoCreateTopics) {
        throw new UnknownTopicError(
          topic,
          allowCreate
            ? 'create it first (sluice topics create); this log does not auto-create topics'
            : 'create it first (sluice topics create) or set allow.auto.create.topics',
        );
      }
      try {
        await this.log.createTopic(topic, { partitions: this.settings.defaultPartitions });
      } catch (error) {
        // Another producer or consumer of this process created it first.
        if (!(error instanceof TopicExistsError)) throw error;
      }
    }
    return (await this.log.describeTopic(topic)).partitions;
  }
}
