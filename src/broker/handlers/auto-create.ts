import type { BrokerContext } from '../broker-context.js';

/**
 * How many topics one request may still auto-create: `auto.create.topics.max.per.request`, and none once the log
 * holds `auto.create.topics.max.topics`. Without a cap, one Metadata v1 request naming thousands of topics (old
 * clients always ask to auto-create) would create them all.
 */
export class AutoCreateBudget {
  private left: number;
  private topics: number;
  private warned = false;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly client: string | null,
  ) {
    this.left = ctx.config['auto.create.topics.max.per.request'];
    this.topics = ctx.log.listTopics().length;
  }

  /** True when one more topic may be auto-created by this request (and counts it). */
  take(topic: string): boolean {
    const max = this.ctx.config['auto.create.topics.max.topics'];
    if (this.left > 0 && this.topics < max) {
      this.left--;
      this.topics++;
      return true;
    }
    if (!this.warned) {
      this.warned = true;
      this.ctx.logger.warn(
        {
          topic,
          client: this.client,
          perRequest: this.ctx.config['auto.create.topics.max.per.request'],
          max,
        },
        'refused to auto-create more topics: auto.create.topics.max.per.request or auto.create.topics.max.topics reached',
      );
    }
    return false;
  }
}
