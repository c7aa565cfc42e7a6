import type { EmbeddedLog } from './embedded-log.js';

/**
 * The topics a subscription names now: its topic names, and the topics of the log that match its patterns
 * (internal `__` topics never do).
 */
export async function subscribedTopics(
  subscription: (string | RegExp)[],
  log: EmbeddedLog,
): Promise<string[]> {
  const topics = new Set<string>();
  const patterns = subscription.filter((t): t is RegExp => t instanceof RegExp);
  for (const t of subscription) if (typeof t === 'string') topics.add(t);
  if (patterns.length > 0) {
    for (const name of await log.listTopics()) {
      if (!name.startsWith('__') && patterns.some((p) => matches(p, name))) topics.add(name);
    }
  }
  return [...topics];
}

function matches(pattern: RegExp, name: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(name);
}
