import { z } from 'zod';
import { field } from '../config-fields.js';
import { javaDouble } from '../converters/java-json.js';
import { LogicalType, primitive, type Schema, type SchemaType, struct } from '../data/schema.js';
import { DataError } from '../errors.js';
import { formatDate } from './date-format.js';
import { requireMap, requireStruct } from './require.js';
import { fieldValue, schemaMeta } from './struct-values.js';
import { defineTransform, operating, replaced } from './transformation.js';

const TARGETS = ['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean', 'string'] as const;
type Target = (typeof TARGETS)[number];

const SPEC = /^\s*(?:([^:]+):)?\s*(int8|int16|int32|int64|float32|float64|boolean|string)\s*$/i;

const config = z.strictObject({
  spec: field
    .requiredList(
      'Either one type to cast the whole value to (int8, int16, int32, int64, float32, float64, boolean, string), ' +
        'or field:type pairs, e.g. "id:int64,price:float64"',
    )
    .refine((items) => items.every((i) => SPEC.test(i)), {
      message:
        'each entry must be a type, or field:type, with type one of int8..int64, float32, float64, boolean, string',
    })
    .refine((items) => items.length === 1 || items.every((i) => i.includes(':')), {
      message: 'a whole-value cast must be the only entry',
    }),
  'replace.null.with.default': field.bool(true, "Use a field's default when its value is null"),
});

const ISO: Record<string, string> = {
  [LogicalType.Timestamp]: "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'",
  [LogicalType.Date]: 'yyyy-MM-dd',
  [LogicalType.Time]: "HH:mm:ss.SSS'Z'",
};

function wrapInt(n: number, type: Target): number {
  const t = Math.trunc(n);
  if (type === 'int8') return (t << 24) >> 24;
  if (type === 'int16') return (t << 16) >> 16;
  if (type === 'int32') return t | 0;
  return t;
}

/** Casts one primitive value, as Kafka's Cast does: numbers truncate, booleans become 1/0, strings parse. */
export function castValue(value: unknown, type: Target, schema: Schema | null): unknown {
  if (value === null || value === undefined) return null;
  const from = value instanceof Date ? value.getTime() : value;
  switch (type) {
    case 'string':
      if (value instanceof Date)
        return formatDate(value, ISO[schema?.name ?? LogicalType.Timestamp] ?? ISO[LogicalType.Timestamp]!);
      if (Buffer.isBuffer(value)) return value.toString('base64');
      if (typeof value === 'number') {
        const float = schema ? schema.type.startsWith('float') : !Number.isInteger(value);
        return float ? javaDouble(value, schema?.type === 'float32') : String(value);
      }
      if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
      if (typeof value === 'string') return value;
      break;
    case 'boolean':
      if (typeof from === 'number') return from !== 0;
      if (typeof from === 'boolean') return from;
      if (typeof from === 'string') return from.trim().toLowerCase() === 'true';
      break;
    default: {
      let n: number;
      if (typeof from === 'number') n = from;
      else if (typeof from === 'bigint') n = Number(from);
      else if (typeof from === 'boolean') n = from ? 1 : 0;
      else if (typeof from === 'string') {
        n = Number(from.trim());
        const integer = type.startsWith('int');
        if (from.trim() === '' || Number.isNaN(n) || (integer && !/^[-+]?\d+$/.test(from.trim()))) {
          throw new DataError(`Cast cannot parse "${from}" as ${type}`);
        }
      } else break;
      if (type === 'float32') return Math.fround(n);
      return type === 'float64' ? n : wrapInt(n, type);
    }
  }
  throw new DataError(`Cast transformation does not support casting a ${typeof value} to ${type}`);
}

function checkCastable(schema: Schema, name: string): void {
  if (['array', 'map', 'struct'].includes(schema.type)) {
    throw new DataError(
      `Cast transformation does not support casting field "${name}" of type ${schema.type}`,
    );
  }
}

/**
 * Casts fields, or the whole value, to another primitive type; with a schema, the schema's field types change
 * too (optional stays optional). Tombstones pass unchanged.
 */
export const cast = defineTransform({
  name: 'Cast',
  kafkaClass: 'org.apache.kafka.connect.transforms.Cast',
  sided: true,
  description: 'Cast fields or the whole value to another primitive type',
  config,
  create(c, side) {
    const entries = c.spec.map((item) => {
      const m = SPEC.exec(item)!;
      return [m[1]?.trim(), m[2]!.toLowerCase() as Target] as const;
    });
    const whole = entries.length === 1 && entries[0]![0] === undefined ? entries[0]![1] : undefined;
    const casts = new Map(entries.filter(([f]) => f !== undefined) as [string, Target][]);
    const cache = new WeakMap<Schema, Schema>();
    const nullDefault = c['replace.null.with.default'];

    const castSchema = (s: Schema, type: Target): Schema => {
      const out = primitive(type as SchemaType, { optional: s.optional });
      if (s.defaultValue !== undefined && s.defaultValue !== null)
        out.defaultValue = castValue(s.defaultValue, type, s);
      return out;
    };

    const updatedSchema = (schema: Schema): Schema => {
      let updated = cache.get(schema);
      if (!updated) {
        const fields = (schema.fields ?? []).map((f) => {
          const type = casts.get(f.name);
          if (!type) return [f.name, f.schema] as const;
          checkCastable(f.schema, f.name);
          return [f.name, castSchema(f.schema, type)] as const;
        });
        updated = struct(fields, schemaMeta(schema));
        cache.set(schema, updated);
      }
      return updated;
    };

    return {
      apply(record) {
        const { schema, value } = operating(record, side);
        if (value === null || value === undefined) return record;
        if (whole) {
          if (schema) checkCastable(schema, '(whole value)');
          return replaced(
            record,
            side,
            schema ? castSchema(schema, whole) : null,
            castValue(value, whole, schema),
          );
        }
        if (!schema) {
          const out = { ...requireMap(value, 'cast types') };
          for (const [name, type] of casts) if (name in out) out[name] = castValue(out[name], type, null);
          return replaced(record, side, null, out);
        }
        const original = requireStruct(schema, value, 'cast types');
        const updated = updatedSchema(schema);
        const out: Record<string, unknown> = {};
        for (const f of schema.fields ?? []) {
          const v = fieldValue(original, f, nullDefault);
          const type = casts.get(f.name);
          out[f.name] = type ? castValue(v, type, f.schema) : v;
        }
        return replaced(record, side, updated, out);
      },
    };
  },
});
