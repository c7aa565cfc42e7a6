import type { Client, Producer } from '../../client/index.js';
import type { SourceMap } from '../data/connect-record.js';

/** One committed source offset: a connector's source partition and where it is. */
export interface SourceOffsetEntry {
  partition: SourceMap;
  /** Null deletes the entry (a tombstone in the compacted topic). */
  offset: SourceMap | null;
}

/** JSON with object keys sorted, so that two equal source partitions always give the same string. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
    .join(',')}}`;
}

/**
 * Source offsets, stored as records in a compacted topic (`connect-offsets`) exactly as Kafka Connect stores them:
 * the key is the JSON array `["<connector>",{<source partition>}]`, the value the JSON offset (`{"position":42}`),
 * a null value deletes. On open the whole topic is read once; afterwards this process is the only writer and the
 * map in memory is the truth. A write resolves only once the log has made it durable (acks=all).
 */
export class OffsetStore {
  private readonly offsets = new Map<
    string,
    { connector: string; partition: SourceMap; offset: SourceMap }
  >();

  private constructor(
    readonly topic: string,
    private readonly producer: Producer,
  ) {}

  static async open(client: Client, topic: string, partitions: number): Promise<OffsetStore> {
    const admin = client.admin();
    if (!(await admin.listTopics()).includes(topic)) {
      await admin
        .createTopics([{ name: topic, partitions, config: { 'cleanup.policy': 'compact' } }])
        .catch(async (err) => {
          if (!(await admin.listTopics()).includes(topic)) throw err;
        });
    }
    const store = new OffsetStore(topic, client.producer({ acks: 'all', 'linger.ms': 0 }));
    await store.load(client);
    return store;
  }

  private async load(client: Client): Promise<void> {
    const ends = await client.admin().partitionOffsets(this.topic);
    const pending = ends.filter((p) => p.highWatermark > p.logStartOffset);
    if (pending.length === 0) return;
    const consumer = client.consumer({ 'auto.offset.reset': 'earliest' });
    try {
      await consumer.assign(pending.map((p) => ({ topic: this.topic, partition: p.partition })));
      for (const p of pending)
        consumer.seek({ topic: this.topic, partition: p.partition, offset: p.logStartOffset });
      const remaining = new Map(pending.map((p) => [p.partition, p.highWatermark]));
      for await (const batch of consumer) {
        for (const record of batch.records) this.apply(record.key, record.value);
        const last = batch.records[batch.records.length - 1]!.offset;
        if (last + 1 >= (remaining.get(batch.partition) ?? 0)) remaining.delete(batch.partition);
        if (remaining.size === 0) break;
      }
    } finally {
      await consumer.close();
    }
  }

  private apply(key: Buffer | null, value: Buffer | null): void {
    if (!key) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(key.toString('utf8'));
    } catch {
      return; // Not an offset key (someone else's record): ignore it, as Kafka does.
    }
    if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string') return;
    const id = canonical(parsed);
    if (value === null) {
      this.offsets.delete(id);
      return;
    }
    try {
      this.offsets.set(id, {
        connector: parsed[0],
        partition: parsed[1] as SourceMap,
        offset: JSON.parse(value.toString('utf8')),
      });
    } catch {
      // An offset value that is not JSON cannot be resumed from; skip it.
    }
  }

  get(connector: string, partition: SourceMap): SourceMap | null {
    return this.offsets.get(canonical([connector, partition]))?.offset ?? null;
  }

  /** Every committed offset of `connector`. */
  list(connector: string): SourceOffsetEntry[] {
    return [...this.offsets.values()]
      .filter((e) => e.connector === connector)
      .map(({ partition, offset }) => ({ partition, offset }));
  }

  /** Writes offsets and resolves once they are durable; only then does `get` return them. */
  async write(connector: string, entries: SourceOffsetEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.producer.send(
      this.topic,
      entries.map((e) => ({
        key: Buffer.from(JSON.stringify([connector, e.partition]), 'utf8'),
        value: e.offset === null ? null : Buffer.from(JSON.stringify(e.offset), 'utf8'),
      })),
    );
    for (const e of entries) {
      const id = canonical([connector, e.partition]);
      if (e.offset === null) this.offsets.delete(id);
      else this.offsets.set(id, { connector, partition: e.partition, offset: e.offset });
    }
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}
