/**
 * Topic ids (KIP-516), which Metadata v10+, Fetch v13+, CreateTopics v7+ and DeleteTopics v6+ carry. The log
 * names topics only by name, so the broker derives each topic's id from its name: the first 16 bytes of
 * SHA-256("sluice topic\0" + name), marked as a version-8 (custom) UUID. The same name always gets the same id,
 * across restarts and processes; unlike Kafka, a topic deleted and created again under its old name keeps its id.
 * The id is never all zeros (Kafka's "no id") nor Kafka's metadata topic id (zeros ending in 1): the version bits
 * make both impossible.
 */
import { createHash } from 'node:crypto';
import type { BrokerLog } from './broker-context.js';

const ids = new Map<string, Buffer>();

/** The id of the topic named `name`. */
export function topicIdOf(name: string): Buffer {
  let id = ids.get(name);
  if (!id) {
    id = createHash('sha256').update(`sluice topic\0${name}`).digest().subarray(0, 16);
    id[6] = (id[6] & 0x0f) | 0x80; // version 8
    id[8] = (id[8] & 0x3f) | 0x80; // RFC 4122 variant
    ids.set(name, id);
  }
  return id;
}

const names = new WeakMap<BrokerLog, Map<string, string>>();

/** The name of the topic whose id is `id`, or null when the log has no such topic. */
export function topicNameOf(log: BrokerLog, id: Buffer): string | null {
  let byId = names.get(log);
  if (!byId) names.set(log, (byId = new Map()));
  const key = id.toString('hex');
  const known = byId.get(key);
  if (known !== undefined && log.hasTopic(known)) return known;
  // A topic created since the last look-up: rebuild the map from the log's topics.
  byId.clear();
  for (const name of log.listTopics()) byId.set(topicIdOf(name).toString('hex'), name);
  return byId.get(key) ?? null;
}

/** True for the all-zero id, which a request uses to say "no id, look at the name". */
export function isZeroId(id: Buffer): boolean {
  for (const b of id) if (b !== 0) return false;
  return true;
}
