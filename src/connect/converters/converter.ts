import type { z } from 'zod';
import type { Schema } from '../data/schema.js';

/** Data and its schema (null when schemaless), as a converter reads it from bytes. */
export interface SchemaAndValue {
  schema: Schema | null;
  value: unknown;
}

/**
 * Turns Connect data into the bytes stored in a topic and back. One instance serves keys or values of one
 * connector (`key.converter`, `value.converter`); it must be stateless across records apart from caches.
 * Both directions throw {@link DataError} for data they cannot represent; `errors.tolerance` decides what then.
 */
export interface Converter {
  /** Bytes for a key or value; null stays null (a tombstone or a missing key). */
  fromConnectData(topic: string, schema: Schema | null | undefined, value: unknown): Buffer | null;
  toConnectData(topic: string, bytes: Buffer | null): SchemaAndValue;
}

/** A converter plugin: its names, config schema, and a constructor. */
export interface ConverterDefinition<S extends z.ZodObject = z.ZodObject> {
  /** Short name used in configs: `json`, `string`, `bytes`. */
  name: string;
  /** Kafka's class names accepted as the same converter. */
  aliases: readonly string[];
  description: string;
  /** Keys under `key.converter.` / `value.converter.`, e.g. `schemas.enable`. */
  config: S;
  create(config: z.output<S>, isKey: boolean): Converter;
}
