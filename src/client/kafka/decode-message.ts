import type { KafkaMessage } from 'kafkajs';
import type { ConsumerRecord } from '../records.js';
import type { Serde } from '../serde.js';

/** A kafkajs message as a sluice record: offsets and timestamps as numbers, headers as a list, key and value decoded. */
export function decodeMessage<K, V>(
  topic: string,
  partition: number,
  m: KafkaMessage,
  serdes: { keySerde: Serde<K>; valueSerde: Serde<V> },
): ConsumerRecord<K, V> {
  const headers = Object.entries(m.headers ?? {}).flatMap(([k, v]) =>
    (Array.isArray(v) ? v : [v]).map((value) => ({
      key: k,
      value: value === undefined ? null : Buffer.from(value),
    })),
  );
  return {
    topic,
    partition,
    offset: Number(m.offset),
    timestamp: Number(m.timestamp),
    key: serdes.keySerde.deserialize(m.key ?? null, topic),
    value: serdes.valueSerde.deserialize(m.value ?? null, topic),
    headers,
  };
}
