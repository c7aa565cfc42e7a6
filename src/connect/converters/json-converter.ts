import { z } from 'zod';
import { parseJson } from '../../client/exact-json.js';
import { field } from '../config-fields.js';
import { JsonBytes } from '../data/json-bytes.js';
import { LogicalType, type Schema } from '../data/schema.js';
import { DataError } from '../errors.js';
import type { Converter, ConverterDefinition, SchemaAndValue } from './converter.js';
import { JavaFloat, type JsonNode, stringify } from './java-json.js';
import { schemaFromJson, schemaToJson } from './json-schema-codec.js';
import { encodeJson, type JsonFallback } from './json-value-writer.js';
import { currentSlab, nextSlab, SLAB_BYTES, slabStart, takeRecord } from './json-writer.js';

const MS_PER_DAY = 86_400_000;

const RANGES: Record<string, [number, number]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A long as JSON writes it: a number while it is exact as one, else the bigint itself, whose digits are written. */
function int64ToJson(schema: Schema, value: unknown): number | bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw invalid(schema, value);
    return value;
  }
  if (typeof value !== 'bigint' || value < INT64_MIN || value > INT64_MAX) throw invalid(schema, value);
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Buffer.isBuffer(v)) return 'Buffer';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Map) return 'Map';
  if (v instanceof Date) return 'Date';
  return typeof v;
}

function invalid(schema: Schema, v: unknown): DataError {
  return new DataError(
    `Invalid type for ${schema.type.toUpperCase()}: ${typeName(v)} ${String(v).slice(0, 40)}`,
  );
}

function toLogicalBase(schema: Schema, value: unknown): unknown {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number') {
    throw new DataError(`Invalid type for ${schema.name}, expected Date but was ${typeName(value)}`);
  }
  if (schema.name === LogicalType.Timestamp) return ms;
  if (schema.name === LogicalType.Date) return Math.floor(ms / MS_PER_DAY);
  return ((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY; // Time: ms since midnight
}

/** Connect data to the JSON tree Kafka's JsonConverter would write. */
export function connectToJson(schema: Schema | null | undefined, value: unknown): JsonNode {
  if (value === null || value === undefined) {
    if (!schema) return null;
    if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
      return connectToJson(schema, schema.defaultValue);
    }
    if (schema.optional) return null;
    throw new DataError('Conversion error: null value for field that is required and has no default value');
  }
  if (!schema) return inferJson(value);
  if (
    schema.name === LogicalType.Timestamp ||
    schema.name === LogicalType.Date ||
    schema.name === LogicalType.Time
  ) {
    value = toLogicalBase(schema, value);
  }
  switch (schema.type) {
    case 'int64':
      return int64ToJson(schema, value);
    case 'int8':
    case 'int16':
    case 'int32': {
      const n = typeof value === 'bigint' ? Number(value) : value;
      const [min, max] = RANGES[schema.type]!;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw invalid(schema, value);
      return n;
    }
    case 'float32':
    case 'float64':
      if (typeof value !== 'number') throw invalid(schema, value);
      return new JavaFloat(value, schema.type === 'float32');
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid(schema, value);
      return value;
    case 'string':
      if (typeof value !== 'string') throw invalid(schema, value);
      return value;
    case 'bytes':
      if (!(value instanceof Uint8Array)) throw invalid(schema, value);
      return Buffer.isBuffer(value) ? value : Buffer.from(value);
    case 'array':
      if (!Array.isArray(value)) throw invalid(schema, value);
      return value.map((v) => connectToJson(schema.valueSchema, v));
    case 'map': {
      const entries = mapEntries(schema, value);
      if (schema.keySchema?.type === 'string') {
        const obj: { [key: string]: JsonNode } = {};
        for (const [k, v] of entries) obj[k as string] = connectToJson(schema.valueSchema, v);
        return obj;
      }
      return entries.map(([k, v]) => [
        connectToJson(schema.keySchema, k),
        connectToJson(schema.valueSchema, v),
      ]);
    }
    case 'struct': {
      if (typeof value !== 'object' || Array.isArray(value) || value instanceof Map)
        throw invalid(schema, value);
      const obj: { [key: string]: JsonNode } = {};
      const struct = value as Record<string, unknown>;
      for (const f of schema.fields ?? []) obj[f.name] = connectToJson(f.schema, struct[f.name]);
      return obj;
    }
  }
}

function mapEntries(schema: Schema, value: unknown): [unknown, unknown][] {
  if (value instanceof Map) return [...value.entries()];
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return Object.entries(value);
  throw invalid(schema, value);
}

function inferJson(value: unknown): JsonNode {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isInteger(value) ? value : new JavaFloat(value, false);
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.getTime();
  if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value);
  if (Array.isArray(value)) return value.map(inferJson);
  if (value instanceof Map) {
    const entries = [...value.entries()];
    if (entries.every(([k]) => typeof k === 'string')) {
      return Object.fromEntries(entries.map(([k, v]) => [k, inferJson(v)]));
    }
    return entries.map(([k, v]) => [inferJson(k), inferJson(v)]);
  }
  if (typeof value === 'object') {
    const obj: { [key: string]: JsonNode } = {};
    for (const [k, v] of Object.entries(value)) obj[k] = inferJson(v);
    return obj;
  }
  throw new DataError(`cannot convert a ${typeof value} to JSON`);
}

/**
 * Parsed JSON to Connect data, following `schema` (or as plain JSON data when it is null). Integers too long for a
 * number arrive as bigints (see parseJson); schemaless data and int64 fields keep them, the other number
 * types read numbers.
 */
export function jsonToConnect(schema: Schema | null, node: unknown): unknown {
  if (!schema) return node;
  if (node === null || node === undefined) {
    if (schema.defaultValue !== undefined && schema.defaultValue !== null) return schema.defaultValue;
    if (schema.optional) return null;
    throw new DataError(`Invalid null value for required ${schema.type.toUpperCase()} field`);
  }
  let value: unknown;
  switch (schema.type) {
    case 'int64':
      if (typeof node !== 'number' && typeof node !== 'bigint') throw invalid(schema, node);
      value = node;
      break;
    case 'int8':
    case 'int16':
    case 'int32':
    case 'float32':
    case 'float64':
      if (typeof node !== 'number' && typeof node !== 'bigint') throw invalid(schema, node);
      value = Number(node);
      break;
    case 'boolean':
      if (typeof node !== 'boolean') throw invalid(schema, node);
      value = node;
      break;
    case 'string':
      if (typeof node !== 'string') throw invalid(schema, node);
      value = node;
      break;
    case 'bytes':
      if (typeof node !== 'string') throw invalid(schema, node);
      value = Buffer.from(node, 'base64');
      break;
    case 'array':
      if (!Array.isArray(node)) throw invalid(schema, node);
      value = node.map((v) => jsonToConnect(schema.valueSchema ?? null, v));
      break;
    case 'map':
      value = mapFromJson(schema, node);
      break;
    case 'struct': {
      if (typeof node !== 'object' || Array.isArray(node)) throw invalid(schema, node);
      const obj: Record<string, unknown> = {};
      const src = node as Record<string, unknown>;
      for (const f of schema.fields ?? []) obj[f.name] = jsonToConnect(f.schema, src[f.name] ?? null);
      value = obj;
      break;
    }
  }
  if (schema.name === LogicalType.Timestamp || schema.name === LogicalType.Time)
    return new Date(Number(value));
  if (schema.name === LogicalType.Date) return new Date((value as number) * MS_PER_DAY);
  return value;
}

function mapFromJson(schema: Schema, node: unknown): unknown {
  if (schema.keySchema?.type === 'string') {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) throw invalid(schema, node);
    const obj: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) obj[k] = jsonToConnect(schema.valueSchema ?? null, v);
    return obj;
  }
  if (!Array.isArray(node)) throw invalid(schema, node);
  const result = new Map<unknown, unknown>();
  for (const pair of node) {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new DataError('Found invalid map entry instead of array tuple: expected [key, value]');
    }
    result.set(
      jsonToConnect(schema.keySchema ?? null, pair[0]),
      jsonToConnect(schema.valueSchema ?? null, pair[1]),
    );
  }
  return result;
}

/** The converter's text of one value, for what the byte writer leaves to it (and the errors it throws). */
const textOf: JsonFallback = (schema, value) => stringify(connectToJson(schema, value));

/**
 * `{"schema":<schema>,"payload":` as UTF-8, per schema object: the schema's JSON is the same for every record
 * that shares it (schemas are not changed once records use them), as Kafka's converter caches it too.
 */
const envelopes = new WeakMap<Schema, Uint8Array>();
const SCHEMALESS_ENVELOPE = Buffer.from('{"schema":null,"payload":', 'utf8');

function envelopeOf(schema: Schema | null | undefined): Uint8Array {
  if (!schema) return SCHEMALESS_ENVELOPE;
  let head = envelopes.get(schema);
  if (head === undefined) {
    head = Buffer.from(`{"schema":${stringify(schemaToJson(schema, connectToJson))},"payload":`, 'utf8');
    envelopes.set(schema, head);
  }
  return head;
}

const ENVELOPE_REQUIRED =
  'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. ' +
  'If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.';

/** JSON text inside an envelope `{"schema":...,"payload":` (see {@link envelopeOf}), written into the shared slab. */
function enveloped(head: Uint8Array, payload: Buffer): Buffer {
  const size = head.length + payload.length + 1;
  if (size > SLAB_BYTES) return Buffer.concat([head, payload, CLOSE_BRACE]);
  if (slabStart() + size > SLAB_BYTES) nextSlab();
  const slab = currentSlab();
  let p = slabStart();
  slab.set(head, p);
  p += head.length;
  p += payload.copy(slab, p);
  slab[p++] = 0x7d; // }
  return takeRecord(p);
}

const CLOSE_BRACE = Buffer.from('}');

/** What null bytes (a record without a key, a tombstone) read as: one shared object, read and never changed. */
const NO_DATA: SchemaAndValue = Object.freeze({ schema: null, value: null });

/** Kafka's JsonConverter: JSON text, with the `{schema, payload}` envelope when `schemas.enable` is true. */
export class JsonConverter implements Converter {
  constructor(private readonly schemasEnable: boolean) {}

  fromConnectData(_topic: string, schema: Schema | null | undefined, value: unknown): Buffer | null {
    if (!schema && (value === null || value === undefined)) return null;
    if (value instanceof JsonBytes)
      return this.schemasEnable ? enveloped(envelopeOf(schema), value.bytes) : value.bytes;
    return encodeJson(this.schemasEnable ? envelopeOf(schema) : null, schema, value, textOf);
  }

  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    if (bytes === null) return NO_DATA;
    let node: unknown;
    try {
      const text = bytes.toString('utf8');
      node = parseJson(text);
    } catch (err) {
      throw new DataError(
        `Converting byte[] to Kafka Connect data failed due to serialization error: ${err}`,
        err,
      );
    }
    if (!this.schemasEnable) return { schema: null, value: node };
    const isEnvelope =
      typeof node === 'object' &&
      node !== null &&
      !Array.isArray(node) &&
      Object.keys(node).length === 2 &&
      'schema' in node &&
      'payload' in node;
    if (!isEnvelope) throw new DataError(ENVELOPE_REQUIRED);
    const envelope = node as { schema: unknown; payload: unknown };
    const schema = schemaFromJson(envelope.schema, jsonToConnect);
    return { schema, value: jsonToConnect(schema, envelope.payload) };
  }
}

const jsonConfig = z.strictObject({
  'schemas.enable': field.bool(
    true,
    'Include the schema with each value in a {"schema": ..., "payload": ...} envelope',
  ),
  'schemas.cache.size': field.int(
    1000,
    'Accepted for compatibility with Kafka; schemas are not cached separately',
    0,
  ),
  'converter.type': z.enum(['key', 'value', 'header']).optional().describe('Set by the runtime'),
});

export const jsonConverter: ConverterDefinition<typeof jsonConfig> = {
  name: 'json',
  aliases: ['org.apache.kafka.connect.json.JsonConverter', 'JsonConverter'],
  description: "JSON text, optionally in Kafka's {schema, payload} envelope",
  config: jsonConfig,
  create: (config) => new JsonConverter(config['schemas.enable']),
};
