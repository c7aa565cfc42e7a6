import type { WindowEntry } from './window-store.js';
import { WindowStore } from './window-store.js';

/**
 * A window store whose windows are sessions: periods of activity of one key, `[start, end]` inclusive, that never
 * overlap for a key (a record that bridges two sessions merges them). Same changelog layout as {@link WindowStore}.
 */
export class SessionStore<K, V> extends WindowStore<K, V> {
  /** Sessions of `key` that end at or after `earliestEnd` and start at or before `latestStart`, by start. */
  findSessions(key: K, earliestEnd: number, latestStart: number): WindowEntry<K, V>[] {
    return this.fetch(key, -Infinity, latestStart).filter((s) => s.window.end >= earliestEnd);
  }
}
