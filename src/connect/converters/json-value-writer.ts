/**
 * Connect values written as JSON bytes with json-writer.ts: structs field by field following a plan made once per
 * schema, schemaless objects key by key. What the plan does not cover goes through `fallback`, the converter's
 * text for one value (`stringify(connectToJson(schema, value))`), which is also what decides errors; the result
 * is byte for byte that text for the whole value. Writes return the position after them, or FULL (json-writer.ts).
 */
import { LogicalType, type Schema } from '../data/schema.js';
import { quote } from './java-json.js';
import {
  bytesNeeded,
  currentSlab,
  FULL,
  forgetLongString,
  nextSlab,
  SLAB_BYTES,
  slabStart,
  takeRecord,
  writeBoolean,
  writeBytes,
  writeDouble,
  writeLong,
  writeNull,
  writeString,
  writeText,
} from './json-writer.js';

/** The converter's JSON text of one value; with a null schema, the value's inferred JSON. */
export type JsonFallback = (schema: Schema | null, value: unknown) => string;

/** How a struct field is written: directly for the common types, through the fallback otherwise. */
enum Direct {
  None,
  String,
  Double,
  Long,
  /** int8, int16 or int32, within the plan's range. */
  Int,
  Boolean,
  /** A Timestamp given as a Date. */
  Timestamp,
  Struct,
}

interface FieldPlan {
  name: string;
  schema: Schema;
  /** The UTF-8 of `"name":`, or `,"name":` after the first field. */
  prefix: Uint8Array;
  direct: Direct;
  min: number;
  max: number;
}

const INT_RANGES: Record<string, [number, number]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
};

function directOf(s: Schema): Direct {
  if (s.name === LogicalType.Timestamp) return s.type === 'int64' ? Direct.Timestamp : Direct.None;
  if (s.name === LogicalType.Date || s.name === LogicalType.Time) return Direct.None;
  switch (s.type) {
    case 'string':
      return Direct.String;
    case 'float64':
      return Direct.Double;
    case 'int64':
      return Direct.Long;
    case 'int8':
    case 'int16':
    case 'int32':
      return Direct.Int;
    case 'boolean':
      return Direct.Boolean;
    case 'struct':
      // A struct's JSON object lists array-index keys ("0", "7") first, not in field order: such go to the fallback.
      return (s.fields ?? []).some((f) => ARRAY_INDEX.test(f.name)) ? Direct.None : Direct.Struct;
    default:
      return Direct.None;
  }
}

const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

const plans = new WeakMap<Schema, FieldPlan[]>();

function planOf(schema: Schema): FieldPlan[] {
  let plan = plans.get(schema);
  if (plan === undefined) {
    plan = (schema.fields ?? []).map((f, i) => {
      const [min, max] = INT_RANGES[f.schema.type] ?? [0, 0];
      const prefix = Buffer.from(`${i === 0 ? '' : ','}${quote(f.name)}:`, 'utf8');
      return { name: f.name, schema: f.schema, prefix, direct: directOf(f.schema), min, max };
    });
    plans.set(schema, plan);
  }
  return plan;
}

/**
 * The JSON bytes of a value, after `head` (the converter's envelope, whose closing brace is added) when given:
 * structs field by field, schemaless values as {@link writeInferred}, everything else through `fallback`.
 * A record goes into the current slab, or a fresh one when the rest is too short; one larger than a slab gets a
 * Buffer of its own size.
 */
export function encodeJson(
  head: Uint8Array | null,
  schema: Schema | null | undefined,
  value: unknown,
  fallback: JsonFallback,
): Buffer {
  const start = slabStart();
  let p = writeRecord(currentSlab(), start, head, schema, value, fallback);
  if (p !== FULL) return takeRecord(p);
  let need = bytesNeeded(start);
  if (start > 0 && need <= SLAB_BYTES) {
    nextSlab();
    p = writeRecord(currentSlab(), 0, head, schema, value, fallback);
    if (p !== FULL) return takeRecord(p);
    need = bytesNeeded(0);
  }
  try {
    return writeAlone(need, head, schema, value, fallback);
  } finally {
    forgetLongString();
  }
}

/**
 * A record larger than a slab, in a buffer of its own: sized by what the attempt in the slab needed plus a slab
 * for the rest (grown if that is short), and copied out at its size only when that would leave much unused.
 */
function writeAlone(
  need: number,
  head: Uint8Array | null,
  schema: Schema | null | undefined,
  value: unknown,
  fallback: JsonFallback,
): Buffer {
  let size = need + SLAB_BYTES;
  for (;;) {
    const b = Buffer.allocUnsafe(size);
    const p = writeRecord(b, 0, head, schema, value, fallback);
    if (p !== FULL) return size - p <= SLAB_BYTES ? b.subarray(0, p) : Buffer.copyBytesFrom(b, 0, p);
    size = 2 * Math.max(size, bytesNeeded(0));
  }
}

function writeRecord(
  b: Buffer,
  p: number,
  head: Uint8Array | null,
  schema: Schema | null | undefined,
  value: unknown,
  fallback: JsonFallback,
): number {
  if (head !== null) p = writeBytes(b, p, head);
  if (p === FULL) return FULL;
  if (value === null || value === undefined) p = writeText(b, p, fallback(schema ?? null, value));
  else if (!schema) p = writeInferred(b, p, value, fallback);
  else if (schema.type === 'struct') p = writeStruct(b, p, schema, value, fallback);
  else p = writeText(b, p, fallback(schema, value));
  return head === null || p === FULL ? p : writeBytes(b, p, CLOSE);
}

const CLOSE = Uint8Array.of(0x7d); // }
const OPEN = Uint8Array.of(0x7b); // {
const COMMA = Uint8Array.of(0x2c);

/** A struct: the fields its schema lists, in order; a value that is not an object goes to the fallback (an error). */
function writeStruct(b: Buffer, p: number, schema: Schema, value: unknown, fallback: JsonFallback): number {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Map)
    return writeText(b, p, fallback(schema, value));
  const struct = value as Record<string, unknown>;
  p = writeBytes(b, p, OPEN);
  const plan = planOf(schema);
  for (let i = 0; i < plan.length && p !== FULL; i++) {
    const f = plan[i]!;
    const v = struct[f.name];
    p = writeBytes(b, p, f.prefix);
    if (p === FULL) break;
    switch (f.direct) {
      case Direct.String:
        if (typeof v === 'string') {
          p = writeString(b, p, v);
          continue;
        }
        break;
      case Direct.Double:
        if (typeof v === 'number' && Number.isFinite(v)) {
          p = writeDouble(b, p, v);
          continue;
        }
        break;
      case Direct.Long:
        if (typeof v === 'number' && Number.isSafeInteger(v)) {
          p = writeLong(b, p, v);
          continue;
        }
        break;
      case Direct.Int:
        if (typeof v === 'number' && Number.isInteger(v) && v >= f.min && v <= f.max) {
          p = writeLong(b, p, v);
          continue;
        }
        break;
      case Direct.Boolean:
        if (typeof v === 'boolean') {
          p = writeBoolean(b, p, v);
          continue;
        }
        break;
      case Direct.Timestamp:
        if (v instanceof Date && Number.isSafeInteger(v.getTime())) {
          p = writeLong(b, p, v.getTime());
          continue;
        }
        break;
      case Direct.Struct:
        if (v !== null && v !== undefined) {
          p = writeStruct(b, p, f.schema, v, fallback);
          continue;
        }
        break;
    }
    p = writeText(b, p, fallback(f.schema, v));
  }
  return p === FULL ? FULL : writeBytes(b, p, CLOSE);
}

/** `"key":` as UTF-8, for the keys of schemaless objects (records of a topic repeat the same few; bounded). */
const keyBytes = new Map<string, Uint8Array>();

function keyOf(key: string): Uint8Array {
  let bytes = keyBytes.get(key);
  if (bytes === undefined) {
    if (keyBytes.size >= 4096) keyBytes.clear();
    bytes = Buffer.from(`${quote(key)}:`, 'utf8');
    keyBytes.set(key, bytes);
  }
  return bytes;
}

/**
 * A schemaless value as the converter infers its JSON: numbers that are integers as they are and others as Java
 * doubles, dates as epoch milliseconds, plain objects key by key; everything else through the fallback.
 */
function writeInferred(b: Buffer, p: number, value: unknown, fallback: JsonFallback): number {
  switch (typeof value) {
    case 'string':
      return writeString(b, p, value);
    case 'number':
      if (Number.isSafeInteger(value)) return writeLong(b, p, value);
      if (Number.isFinite(value) && !Number.isInteger(value)) return writeDouble(b, p, value);
      break;
    case 'boolean':
      return writeBoolean(b, p, value);
    case 'undefined':
      return writeNull(b, p);
    case 'object': {
      if (value === null) return writeNull(b, p);
      if (value instanceof Date) {
        const time = value.getTime();
        if (Number.isSafeInteger(time)) return writeLong(b, p, time);
        break;
      }
      if (value instanceof Uint8Array || Array.isArray(value) || value instanceof Map) break;
      return writeObject(b, p, value as Record<string, unknown>, fallback);
    }
  }
  return writeText(b, p, fallback(null, value));
}

function writeObject(b: Buffer, p: number, object: Record<string, unknown>, fallback: JsonFallback): number {
  const keys = Object.keys(object);
  // The converter's tree drops an own `__proto__` key (assigning it sets the prototype): its text decides.
  if (keys.includes('__proto__')) return writeText(b, p, fallback(null, object));
  p = writeBytes(b, p, OPEN);
  for (let i = 0; i < keys.length && p !== FULL; i++) {
    const key = keys[i]!;
    if (i > 0) p = writeBytes(b, p, COMMA);
    if (p !== FULL) p = writeBytes(b, p, keyOf(key));
    if (p !== FULL) p = writeInferred(b, p, object[key], fallback);
  }
  return p === FULL ? FULL : writeBytes(b, p, CLOSE);
}
