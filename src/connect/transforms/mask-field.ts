import { z } from 'zod';
import { field } from '../config-fields.js';
import type { Schema } from '../data/schema.js';
import { DataError } from '../errors.js';
import { requireMap, requireStruct } from './require.js';
import { defineTransform, operating, replaced } from './transformation.js';

const config = z.strictObject({
  fields: field.requiredList('Names of fields to mask'),
  replacement: z
    .string()
    .min(1)
    .optional()
    .describe('Replacement for every masked value (numeric or non-empty string fields only)'),
});

type Kind = 'number' | 'integer' | 'boolean' | 'string' | 'bytes' | 'date' | 'array' | 'map' | 'other';

function kindOf(schema: Schema | null, value: unknown): Kind {
  if (schema) {
    if (
      schema.name?.startsWith('org.apache.kafka.connect.data.') &&
      schema.name !== 'org.apache.kafka.connect.data.Decimal'
    ) {
      return 'date';
    }
    if (schema.type.startsWith('int')) return 'integer';
    if (schema.type.startsWith('float')) return 'number';
    if (schema.type === 'struct') return 'other';
    return schema.type as Kind;
  }
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean' || typeof value === 'string') return typeof value as Kind;
  if (Buffer.isBuffer(value)) return 'bytes';
  if (value instanceof Date) return 'date';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Map || typeof value === 'object') return 'map';
  return 'other';
}

/** The "empty" value of each type: 0, false, "", epoch, empty bytes/list/map. */
function emptyOf(kind: Kind, name: string): unknown {
  switch (kind) {
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'string':
      return '';
    case 'bytes':
      return Buffer.alloc(0);
    case 'date':
      return new Date(0);
    case 'array':
      return [];
    case 'map':
      return {};
    default:
      throw new DataError(`Cannot mask field "${name}": values of this type have no empty value`);
  }
}

function replacementOf(kind: Kind, replacement: string, name: string): unknown {
  if (kind === 'string') return replacement;
  if (kind === 'integer' || kind === 'number') {
    const n = Number(replacement);
    if (replacement.trim() === '' || Number.isNaN(n) || (kind === 'integer' && !Number.isInteger(n))) {
      throw new DataError(`Unable to convert replacement "${replacement}" to a number for field "${name}"`);
    }
    return n;
  }
  throw new DataError(
    `Cannot mask field "${name}" with a custom replacement: only numbers and strings can be`,
  );
}

/**
 * Replaces the listed fields with the empty value of their type, or with `replacement` converted to it.
 * Null fields stay null; tombstones pass unchanged.
 */
export const maskField = defineTransform({
  name: 'MaskField',
  kafkaClass: 'org.apache.kafka.connect.transforms.MaskField',
  sided: true,
  description: 'Mask fields with an empty value of their type or a replacement',
  config,
  create(c, side) {
    const masked = new Set(c.fields);
    const mask = (schema: Schema | null, value: unknown, name: string): unknown => {
      if (value === null || value === undefined) return value ?? null;
      const kind = kindOf(schema, value);
      return c.replacement === undefined ? emptyOf(kind, name) : replacementOf(kind, c.replacement, name);
    };
    return {
      apply(record) {
        const { schema, value } = operating(record, side);
        if (value === null || value === undefined) return record;
        if (!schema) {
          const out = { ...requireMap(value, 'mask fields') };
          for (const name of masked) if (name in out) out[name] = mask(null, out[name], name);
          return replaced(record, side, null, out);
        }
        const out = { ...requireStruct(schema, value, 'mask fields') };
        for (const f of schema.fields ?? []) {
          if (masked.has(f.name)) out[f.name] = mask(f.schema, out[f.name], f.name);
        }
        return replaced(record, side, schema, out);
      },
    };
  },
});
