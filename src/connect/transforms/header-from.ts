import { z } from 'zod';
import { field } from '../config-fields.js';
import type { ConnectHeader } from '../data/connect-record.js';
import { type Schema, struct } from '../data/schema.js';
import { DataError } from '../errors.js';
import { requireMap, requireStruct } from './require.js';
import { fieldValue, schemaMeta } from './struct-values.js';
import { defineTransform, operating, replaced } from './transformation.js';

const config = z
  .strictObject({
    fields: field.requiredList('Fields of the key or value to turn into headers'),
    headers: field.requiredList('Header names, one for each field, in the same order'),
    operation: field.enumOf(['move', 'copy'], 'copy', 'move removes the fields; copy keeps them'),
    'replace.null.with.default': field.bool(true, "Use a field's default when its value is null"),
  })
  .refine((c) => c.fields.length === c.headers.length, {
    message: 'fields and headers must list the same number of names',
    path: ['headers'],
  });

/** Copies or moves fields of the key or value into headers (with the field's schema). Tombstones pass unchanged. */
export const headerFrom = defineTransform({
  name: 'HeaderFrom',
  kafkaClass: 'org.apache.kafka.connect.transforms.HeaderFrom',
  sided: true,
  description: 'Copy or move fields into headers',
  config,
  create(c, side) {
    const move = c.operation === 'move';
    const moved = new Set(c.fields);
    const cache = new WeakMap<Schema, Schema>();
    return {
      apply(record) {
        const { schema, value } = operating(record, side);
        if (value === null || value === undefined) return record;
        const headers: ConnectHeader[] = [...(record.headers ?? [])];
        if (!schema) {
          const map = requireMap(value, 'header from field');
          c.fields.forEach((name, i) => {
            headers.push({ key: c.headers[i]!, value: map[name] ?? null, schema: null });
          });
          const out = { ...map };
          if (move) for (const name of moved) delete out[name];
          return { ...replaced(record, side, null, move ? out : map), headers };
        }
        const original = requireStruct(schema, value, 'header from field');
        c.fields.forEach((name, i) => {
          const f = schema.fields?.find((x) => x.name === name);
          if (!f) throw new DataError(`Field does not exist: ${name}`);
          headers.push({
            key: c.headers[i]!,
            value: fieldValue(original, f, c['replace.null.with.default']),
            schema: f.schema,
          });
        });
        if (!move) return { ...record, headers };
        let updated = cache.get(schema);
        if (!updated) {
          updated = struct(
            (schema.fields ?? []).filter((f) => !moved.has(f.name)).map((f) => [f.name, f.schema] as const),
            schemaMeta(schema),
          );
          cache.set(schema, updated);
        }
        const out: Record<string, unknown> = {};
        for (const f of updated.fields ?? []) out[f.name] = original[f.name] ?? null;
        return { ...replaced(record, side, updated, out), headers };
      },
    };
  },
});
