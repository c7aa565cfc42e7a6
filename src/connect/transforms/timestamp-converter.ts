import { z } from 'zod';
import { field } from '../config-fields.js';
import { LogicalType, type Schema, Schemas, struct } from '../data/schema.js';
import { DataError } from '../errors.js';
import { checkDateFormat, formatDate, parseDate } from './date-format.js';
import { requireMap, requireStruct } from './require.js';
import { fieldValue, schemaMeta } from './struct-values.js';
import { defineTransform, operating, replaced } from './transformation.js';

const TARGETS = ['string', 'unix', 'Date', 'Time', 'Timestamp'] as const;
type Target = (typeof TARGETS)[number];
const MS_PER_DAY = 86_400_000;

const config = z
  .strictObject({
    field: field.stringDefault('', 'The field holding the timestamp, or empty for the whole value'),
    'target.type': z.enum(TARGETS).describe('What to convert to: string, unix, Date, Time or Timestamp'),
    format: field
      .stringDefault(
        '',
        'A java.text.SimpleDateFormat pattern, for string input or output, e.g. yyyy-MM-dd HH:mm:ss',
      )
      .refine(
        (f) => {
          try {
            checkDateFormat(f);
            return true;
          } catch {
            return false;
          }
        },
        { message: 'not a valid SimpleDateFormat pattern' },
      ),
    'unix.precision': field.enumOf(
      ['seconds', 'milliseconds', 'microseconds', 'nanoseconds'],
      'milliseconds',
      'Unit of unix timestamps, read and written',
    ),
    'replace.null.with.default': field.bool(true, "Use a field's default when its value is null"),
  })
  .refine((c) => c['target.type'] !== 'string' || c.format !== '', {
    message: 'format is required when target.type is string',
    path: ['format'],
  });

const UNIT_MS = { seconds: 1000, milliseconds: 1, microseconds: 0.001, nanoseconds: 0.000001 } as const;

const TARGET_SCHEMA: Record<Target, Schema> = {
  string: Schemas.STRING,
  unix: Schemas.INT64,
  Date: Schemas.DATE,
  Time: Schemas.TIME,
  Timestamp: Schemas.TIMESTAMP,
};

/**
 * Converts a timestamp between a formatted string, a unix number (`unix.precision`), and Connect's Date, Time and
 * Timestamp logical types, in UTC. Works on a field or on the whole value.
 */
export const timestampConverter = defineTransform({
  name: 'TimestampConverter',
  kafkaClass: 'org.apache.kafka.connect.transforms.TimestampConverter',
  sided: true,
  description: 'Convert timestamps between strings, unix numbers and Date/Time/Timestamp',
  config,
  create(c, side) {
    const target = c['target.type'];
    const unit = UNIT_MS[c['unix.precision']];

    const toDate = (value: unknown, schema: Schema | null): Date => {
      if (value instanceof Date) return value;
      if (typeof value === 'number' && (!schema || schema.type === 'int64'))
        return new Date(Math.floor(value * unit));
      if (typeof value === 'string' && (!schema || schema.type === 'string')) {
        if (c.format === '') {
          throw new DataError('TimestampConverter requires the format option to read string timestamps');
        }
        return parseDate(value, c.format);
      }
      throw new DataError(`TimestampConverter cannot read a timestamp from a ${typeof value}`);
    };

    const fromDate = (d: Date): unknown => {
      switch (target) {
        case 'string':
          return formatDate(d, c.format);
        case 'unix':
          return Math.floor(d.getTime() / unit);
        case 'Date':
          return new Date(Math.floor(d.getTime() / MS_PER_DAY) * MS_PER_DAY);
        case 'Time':
          return new Date(((d.getTime() % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY);
        case 'Timestamp':
          return d;
      }
    };

    const convert = (value: unknown, schema: Schema | null) =>
      value === null || value === undefined ? null : fromDate(toDate(value, schema));
    const targetSchema = (s: Schema): Schema =>
      s.optional ? { ...TARGET_SCHEMA[target], optional: true } : TARGET_SCHEMA[target];
    const checkSource = (s: Schema) => {
      const known = [LogicalType.Timestamp, LogicalType.Date, LogicalType.Time] as string[];
      if (!(s.name && known.includes(s.name)) && s.type !== 'int64' && s.type !== 'string') {
        throw new DataError(
          `TimestampConverter cannot convert a field of type ${s.type}; expected a timestamp, int64 or string`,
        );
      }
    };
    const cache = new WeakMap<Schema, Schema>();

    return {
      apply(record) {
        const { schema, value } = operating(record, side);
        if (c.field === '') {
          if (schema) checkSource(schema);
          return replaced(record, side, schema ? targetSchema(schema) : null, convert(value, schema));
        }
        if (value === null || value === undefined) return record;
        if (!schema) {
          const out = { ...requireMap(value, 'converting timestamp formats') };
          if (c.field in out) out[c.field] = convert(out[c.field], null);
          return replaced(record, side, null, out);
        }
        const original = requireStruct(schema, value, 'converting timestamp formats');
        let updated = cache.get(schema);
        if (!updated) {
          const fields = (schema.fields ?? []).map((f) => {
            if (f.name !== c.field) return [f.name, f.schema] as const;
            checkSource(f.schema);
            return [f.name, targetSchema(f.schema)] as const;
          });
          updated = struct(fields, schemaMeta(schema));
          cache.set(schema, updated);
        }
        const out: Record<string, unknown> = {};
        for (const f of schema.fields ?? []) {
          const v = fieldValue(original, f, c['replace.null.with.default']);
          out[f.name] = f.name === c.field ? convert(v, f.schema) : v;
        }
        return replaced(record, side, updated, out);
      },
    };
  },
});
