import { parseConfig } from '../../../src/config/index.js';
import type { SinkRecord, SourceRecord } from '../../../src/connect/data/connect-record.js';
import type { Schema } from '../../../src/connect/data/schema.js';
import type {
  Side,
  Transformation,
  TransformDefinition,
} from '../../../src/connect/transforms/transformation.js';

/** Builds a transform from its definition and a config as a user would write it. */
export function make(
  def: TransformDefinition,
  config: Record<string, unknown>,
  side: Side = 'value',
): Transformation {
  // biome-ignore lint/suspicious/noExplicitAny: each definition has its own config type.
  return def.create(parseConfig(def.config, config, def.name) as any, side);
}

export function sourceRecord(
  value: unknown,
  valueSchema: Schema | null = null,
  extra: Partial<SourceRecord> = {},
): SourceRecord {
  return {
    topic: 'orders',
    kafkaPartition: 2,
    key: null,
    keySchema: null,
    value,
    valueSchema,
    timestamp: 1_700_000_000_000,
    headers: [],
    sourcePartition: { file: 'a' },
    sourceOffset: { position: 10 },
    ...extra,
  };
}

export function sinkRecord(
  value: unknown,
  valueSchema: Schema | null = null,
  extra: Partial<SinkRecord> = {},
): SinkRecord {
  return {
    topic: 'orders',
    kafkaPartition: 2,
    kafkaOffset: 42,
    key: null,
    keySchema: null,
    value,
    valueSchema,
    timestamp: 1_700_000_000_000,
    headers: [],
    ...extra,
  };
}
