import { z } from 'zod';
import { type Schema, Schemas } from '../data/schema.js';
import { DataError } from '../errors.js';
import type { Converter, ConverterDefinition, SchemaAndValue } from './converter.js';

/** Kafka's ByteArrayConverter: bytes pass through untouched. */
export class BytesConverter implements Converter {
  fromConnectData(_topic: string, schema: Schema | null | undefined, value: unknown): Buffer | null {
    if (schema && schema.type !== 'bytes') {
      throw new DataError(`Invalid schema type for ByteArrayConverter: ${schema.type}; use a bytes schema`);
    }
    if (value === null || value === undefined) return null;
    if (Buffer.isBuffer(value)) return value;
    if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    throw new DataError(`ByteArrayConverter is not compatible with objects of type ${typeof value}`);
  }

  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    return { schema: Schemas.OPTIONAL_BYTES, value: bytes };
  }
}

const bytesConfig = z.strictObject({
  'converter.type': z.enum(['key', 'value', 'header']).optional().describe('Set by the runtime'),
});

export const bytesConverter: ConverterDefinition<typeof bytesConfig> = {
  name: 'bytes',
  aliases: ['org.apache.kafka.connect.converters.ByteArrayConverter', 'ByteArrayConverter'],
  description: 'Raw bytes, unchanged',
  config: bytesConfig,
  create: () => new BytesConverter(),
};
