import type { OperatorFunction } from 'rxjs';
import type { SinkRecord, SourceRecord } from './context.js';
import type { StreamRecord } from './record.js';
import { type Stage, stageOperator } from './record-stream.js';
import { type KeyValueSerdes, type Serde, Serdes } from './serdes.js';

/** Decodes read records with a pair of serdes (JSON for the ones not given). */
export function decoder<K, V>(
  serdes: KeyValueSerdes<K, V> = {},
): (record: SourceRecord) => StreamRecord<K, V> {
  const keySerde: Serde<K> = serdes.key ?? Serdes.json<K>();
  const valueSerde: Serde<V> = serdes.value ?? Serdes.json<V>();
  return (record) => ({
    key: keySerde.deserialize(record.key, record.topic),
    value: valueSerde.deserialize(record.value, record.topic),
    timestamp: record.timestamp,
    headers: record.headers,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
  });
}

/** Encodes records for `topic` with a pair of serdes (JSON for the ones not given). */
export function encoder<K, V>(
  topic: string,
  serdes: KeyValueSerdes<K, V> = {},
): (record: StreamRecord<K, V>) => SinkRecord {
  const keySerde: Serde<K> = serdes.key ?? Serdes.json<K>();
  const valueSerde: Serde<V> = serdes.value ?? Serdes.json<V>();
  return (record) => ({
    key: keySerde.serialize(record.key, topic),
    value: valueSerde.serialize(record.value, topic),
    headers: record.headers,
    timestamp: record.timestamp,
  });
}

/** The operator that decodes read records with a pair of serdes (JSON for the ones not given). */
export function decoded<K, V>(
  serdes: KeyValueSerdes<K, V> = {},
): OperatorFunction<SourceRecord, StreamRecord<K, V>> {
  return stageOperator(decoding(serdes));
}

/** The stage that decodes read records with a pair of serdes (JSON for the ones not given). */
export function decoding<K, V>(serdes: KeyValueSerdes<K, V> = {}): Stage<SourceRecord, StreamRecord<K, V>> {
  const decode = decoder(serdes);
  return (output) => ({ next: (record: SourceRecord) => output.next(decode(record)) });
}
