import { z } from 'zod';
import { type Schema, Schemas } from '../data/schema.js';
import type { Converter, ConverterDefinition, SchemaAndValue } from './converter.js';

/** Kafka's StringConverter: any value as its text (objects as JSON), read back as an optional string. */
export class StringConverter implements Converter {
  constructor(private readonly encoding: BufferEncoding) {}

  /** Whether text is written and read as UTF-8: a value handed as UTF-8 bytes is then written as it is. */
  get utf8(): boolean {
    return this.encoding === 'utf8';
  }

  fromConnectData(_topic: string, _schema: Schema | null | undefined, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    // Bytes are taken for UTF-8 text (see SourceTaskContext.textValuesAsBytes): as they are, in UTF-8.
    if (this.encoding === 'utf8' && Buffer.isBuffer(value)) return value;
    return Buffer.from(asText(value), this.encoding);
  }

  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    return { schema: Schemas.OPTIONAL_STRING, value: bytes === null ? null : bytes.toString(this.encoding) };
  }
}

/** The text of a value: strings as they are, bytes decoded as UTF-8, dates in ISO 8601, containers as JSON. */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Map) return JSON.stringify(Object.fromEntries(value));
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

const ENCODINGS: Record<string, BufferEncoding> = {
  UTF8: 'utf8',
  'UTF-8': 'utf8',
  UTF_16LE: 'utf16le',
  'UTF-16LE': 'utf16le',
  ISO_8859_1: 'latin1',
  'ISO-8859-1': 'latin1',
  ASCII: 'ascii',
  'US-ASCII': 'ascii',
};

const stringConfig = z.strictObject({
  'converter.encoding': z
    .string()
    .default('UTF8')
    .refine((e) => ENCODINGS[e.toUpperCase()] !== undefined, {
      message: `unsupported encoding; use one of ${Object.keys(ENCODINGS).join(', ')}`,
    })
    .describe('Character set of the text'),
  'converter.type': z.enum(['key', 'value', 'header']).optional().describe('Set by the runtime'),
});

export const stringConverter: ConverterDefinition<typeof stringConfig> = {
  name: 'string',
  aliases: ['org.apache.kafka.connect.storage.StringConverter', 'StringConverter'],
  description: 'Values as text',
  config: stringConfig,
  create: (config) => new StringConverter(ENCODINGS[config['converter.encoding'].toUpperCase()]!),
};
