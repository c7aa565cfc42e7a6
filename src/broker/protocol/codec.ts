import { ProtocolError } from './protocol-error.js';
import { Reader } from './reader.js';
import { type FieldSpec, inVersions, type MessageSpec, type PrimitiveType, parseVersions } from './schema.js';
import { Writer } from './writer.js';

/**
 * Encoders and decoders derived from a {@link MessageSpec} for one version. Each field becomes a pair of closures
 * chosen once per version (compact or classic lengths, nullability, tagged or inline), so the hot path does no
 * schema interpretation.
 */
export interface VersionCodec<T = Record<string, unknown>> {
  encode(w: Writer, value: T): void;
  decode(r: Reader): T;
}

type Value = unknown;
type Obj = Record<string, Value>;
interface FieldCodec {
  write(w: Writer, v: Value): void;
  read(r: Reader): Value;
}

const ZERO_UUID = Buffer.alloc(16);
const EMPTY = Buffer.alloc(0);

const scalars: Record<Exclude<PrimitiveType, 'string' | 'bytes' | 'records'>, FieldCodec> = {
  bool: { write: (w, v) => w.bool(v as boolean), read: (r) => r.bool() },
  int8: { write: (w, v) => w.int8(v as number), read: (r) => r.int8() },
  int16: { write: (w, v) => w.int16(v as number), read: (r) => r.int16() },
  uint16: { write: (w, v) => w.uint16(v as number), read: (r) => r.uint16() },
  int32: { write: (w, v) => w.int32(v as number), read: (r) => r.int32() },
  uint32: { write: (w, v) => w.uint32(v as number), read: (r) => r.uint32() },
  int64: { write: (w, v) => w.int64(v as number), read: (r) => r.int64() },
  float64: { write: (w, v) => w.float64(v as number), read: (r) => r.float64() },
  uuid: { write: (w, v) => w.uuid(v as Buffer), read: (r) => r.uuid() },
};

function defaultOf(field: FieldSpec, version: number): () => Value {
  if (field.default !== undefined) {
    const d = field.default;
    return () => d;
  }
  switch (field.type) {
    case 'bool':
      return () => false;
    case 'string':
      return () => '';
    case 'bytes':
      return () => EMPTY;
    case 'records':
      return () => null;
    case 'uuid':
      return () => ZERO_UUID;
    case 'struct': {
      const inner = compileFields(field.fields ?? [], version, false);
      return () => inner.defaults();
    }
    default:
      return field.type.endsWith('[]') ? () => [] : () => 0;
  }
}

function nullGuard(
  field: FieldSpec,
  nullable: boolean,
  c: FieldCodec,
  writeNull: (w: Writer) => void,
): FieldCodec {
  return {
    write(w, v) {
      if (v !== null) return c.write(w, v);
      if (!nullable) throw new ProtocolError(`field ${field.name} is null but not nullable in this version`);
      writeNull(w);
    },
    read(r) {
      const v = c.read(r);
      if (v === null && !nullable) throw new ProtocolError(`field ${field.name} is null but not nullable`);
      return v;
    },
  };
}

function primitiveCodec(type: PrimitiveType, flexible: boolean): FieldCodec {
  if (type === 'string') {
    return flexible
      ? { write: (w, v) => w.compactString(v as string | null), read: (r) => r.compactNullableString() }
      : { write: (w, v) => w.string(v as string | null), read: (r) => r.nullableString() };
  }
  if (type === 'bytes' || type === 'records') {
    return flexible
      ? { write: (w, v) => w.compactBytes(v as Buffer | null), read: (r) => r.compactNullableBytes() }
      : { write: (w, v) => w.bytes(v as Buffer | null), read: (r) => r.nullableBytes() };
  }
  return scalars[type];
}

function fieldCodec(field: FieldSpec, version: number, flexible: boolean): FieldCodec {
  const nullable = inVersions(field.nullableVersions, version);
  if (field.type === 'struct') {
    const inner = compileFields(field.fields ?? [], version, flexible);
    // A nullable struct is preceded by a presence byte (-1 absent, 1 present), as Kafka encodes it.
    if (nullable) {
      return {
        write(w, v) {
          if (v === null) return void w.int8(-1);
          w.int8(1);
          inner.encode(w, v as Obj);
        },
        read: (r) => (r.int8() < 0 ? null : inner.decode(r)),
      };
    }
    return { write: (w, v) => inner.encode(w, v as Obj), read: (r) => inner.decode(r) };
  }
  if (field.type.endsWith('[]')) {
    const elementType = field.type.slice(0, -2);
    const element: FieldCodec =
      elementType === 'struct'
        ? (() => {
            const inner = compileFields(field.fields ?? [], version, flexible);
            return { write: (w, v) => inner.encode(w, v as Obj), read: (r) => inner.decode(r) };
          })()
        : primitiveCodec(elementType as PrimitiveType, flexible);
    const array: FieldCodec = {
      write(w, v) {
        const items = v as Value[];
        if (flexible) w.uvarint(items.length + 1);
        else w.int32(items.length);
        for (const item of items) element.write(w, item);
      },
      read(r) {
        const n = r.arrayLength(flexible);
        if (n < 0) return null;
        const items = new Array<Value>(n);
        for (let i = 0; i < n; i++) items[i] = element.read(r);
        return items;
      },
    };
    return nullGuard(field, nullable, array, (w) => (flexible ? w.uvarint(0) : w.int32(-1)));
  }
  const prim = primitiveCodec(field.type as PrimitiveType, flexible);
  if (field.type === 'string' || field.type === 'bytes' || field.type === 'records') {
    const writeNull =
      field.type === 'string'
        ? (w: Writer) => (flexible ? w.uvarint(0) : w.int16(-1))
        : (w: Writer) => (flexible ? w.uvarint(0) : w.int32(-1));
    return nullGuard(field, nullable, prim, writeNull);
  }
  return prim;
}

interface CompiledFields extends VersionCodec<Obj> {
  defaults(): Obj;
}

interface Entry {
  name: string;
  codec: FieldCodec;
  fallback: () => Value;
}

function isDefault(v: Value, d: Value): boolean {
  if (v === undefined || v === d) return true;
  if (Array.isArray(v)) return v.length === 0 && Array.isArray(d);
  return false;
}

function compileFields(fields: readonly FieldSpec[], version: number, flexible: boolean): CompiledFields {
  const inline: Entry[] = [];
  const tagged = new Map<number, Entry>();
  const absent: Entry[] = [];
  for (const field of fields) {
    const entry: Entry = {
      name: field.name,
      codec: undefined as unknown as FieldCodec,
      fallback: defaultOf(field, version),
    };
    const present = inVersions(field.versions, version) && (field.tag === undefined || flexible);
    if (!present) {
      absent.push(entry);
      continue;
    }
    entry.codec = fieldCodec(field, version, flexible);
    if (field.tag === undefined) inline.push(entry);
    else tagged.set(field.tag, entry);
  }
  const taggedEntries = [...tagged.entries()].sort((a, b) => a[0] - b[0]);

  const defaults = (): Obj => {
    const o: Obj = {};
    for (const e of [...inline, ...tagged.values(), ...absent]) o[e.name] = e.fallback();
    return o;
  };

  return {
    defaults,
    encode(w, value) {
      for (const e of inline) {
        const v = value[e.name];
        e.codec.write(w, v === undefined ? e.fallback() : v);
      }
      if (!flexible) return;
      const present = taggedEntries.filter(([, e]) => !isDefault(value[e.name], e.fallback()));
      w.uvarint(present.length);
      for (const [tag, e] of present) {
        const sub = new Writer(64);
        e.codec.write(sub, value[e.name]);
        w.uvarint(tag).uvarint(sub.length).raw(sub.toBuffer());
      }
    },
    decode(r) {
      const o: Obj = {};
      for (const e of inline) o[e.name] = e.codec.read(r);
      for (const e of absent) o[e.name] = e.fallback();
      if (!flexible) return o;
      for (const e of tagged.values()) o[e.name] = e.fallback();
      let count = r.uvarint();
      while (count-- > 0) {
        const tag = r.uvarint();
        const size = r.uvarint();
        const body = r.raw(size, 'tagged field');
        const e = tagged.get(tag);
        // Unknown tags are skipped: that is what makes tagged fields safe to add.
        if (e) o[e.name] = e.codec.read(new Reader(body));
      }
      return o;
    },
  };
}

const cache = new WeakMap<MessageSpec, Map<number, VersionCodec>>();

/** The codec of `spec` at `version`, compiled on first use and cached. Throws when the version is not valid. */
export function codecFor(spec: MessageSpec, version: number): VersionCodec {
  let byVersion = cache.get(spec);
  if (!byVersion) cache.set(spec, (byVersion = new Map()));
  let codec = byVersion.get(version);
  if (codec) return codec;
  if (!inVersions(spec.validVersions, version)) {
    throw new ProtocolError(`${spec.name} has no version ${version} (valid: ${spec.validVersions})`);
  }
  codec = compileFields(spec.fields, version, inVersions(spec.flexibleVersions, version));
  byVersion.set(version, codec);
  return codec;
}

/** Encodes `value` as `spec` at `version` into `w`. */
export function encodeMessage<T>(spec: MessageSpec, version: number, value: T, w = new Writer()): Writer {
  codecFor(spec, version).encode(w, value as Obj);
  return w;
}

/** Decodes `spec` at `version` from `r`; fields the version lacks hold their defaults. */
export function decodeMessage<T>(spec: MessageSpec, version: number, r: Reader): T {
  return codecFor(spec, version).decode(r) as T;
}

/** The versions `spec` is valid in, as an inclusive range. */
export function versionRange(spec: MessageSpec): { min: number; max: number } {
  return parseVersions(spec.validVersions);
}
