/**
 * Where a record goes: the partitioning of Kafka's default producer, so that a keyed record lands on the same
 * partition whether a Java producer, kafkajs (its Java-compatible partitioner) or sluice wrote it.
 *
 * - Keyed: `toPositive(murmur2(key)) % partitions`, murmur2 being Kafka's `Utils.murmur2` (MurmurHash2, seed
 *   0x9747b28c, little-endian 4-byte blocks, signed 32-bit result).
 * - Unkeyed: sticky per batch, as Kafka's producer since 2.4 (KIP-480). Every unkeyed record of one batch goes to
 *   the same partition, so batches stay large; the next batch moves on. Kafka moves to a random partition; sluice
 *   moves round-robin, which spreads as evenly and is reproducible in tests.
 */

enum Murmur2 {
  Seed = 0x9747b28c, // Kafka's seed
  M = 0x5bd1e995, // mixing constant
  R = 24, // mixing shift
}

/** Kafka's `Utils.murmur2`: MurmurHash2 of `key`, as a signed 32-bit integer (what Java's `int` holds). */
export function murmur2(key: Uint8Array): number {
  const length = key.length;
  let h = Murmur2.Seed ^ length;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = key[i] | (key[i + 1] << 8) | (key[i + 2] << 16) | (key[i + 3] << 24);
    k = Math.imul(k, Murmur2.M);
    k ^= k >>> Murmur2.R;
    k = Math.imul(k, Murmur2.M);
    h = Math.imul(h, Murmur2.M) ^ k;
  }
  // The 1-3 tail bytes are mixed in from the highest down, then multiplied once.
  const tail = length & 3;
  if (tail === 3) h ^= key[blocks + 2] << 16;
  if (tail >= 2) h ^= key[blocks + 1] << 8;
  if (tail >= 1) {
    h ^= key[blocks];
    h = Math.imul(h, Murmur2.M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, Murmur2.M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `Utils.toPositive`: clears the sign bit (not `Math.abs`, which would differ for negative numbers). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/** The partition Kafka's default partitioner gives a keyed record: `toPositive(murmur2(key)) % partitions`. */
export function partitionForKey(key: Uint8Array, partitions: number): number {
  return toPositive(murmur2(key)) % partitions;
}

/**
 * Kafka's default partitioning for one topic: keyed records by {@link partitionForKey}, unkeyed records sticky
 * per batch. Call {@link DefaultPartitioner.nextBatch} when a new batch starts.
 */
export class DefaultPartitioner {
  private sticky: number;

  /** `start` picks the first sticky partition (default 0); give a random one to spread several producers. */
  constructor(start = 0) {
    this.sticky = start;
  }

  /** The partition for a record with this key (null/undefined: unkeyed) in a topic of `partitions` partitions. */
  partition(key: Uint8Array | null | undefined, partitions: number): number {
    if (key != null) return partitionForKey(key, partitions);
    return this.sticky % partitions;
  }

  /** Moves unkeyed records on to the next partition; call once per batch. */
  nextBatch(): void {
    this.sticky = (this.sticky + 1) % 0x7fffffff;
  }
}
