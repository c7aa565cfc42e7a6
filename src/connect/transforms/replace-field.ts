import { z } from 'zod';
import { field } from '../config-fields.js';
import { type Schema, struct } from '../data/schema.js';
import { requireMap, requireStruct } from './require.js';
import { fieldValue, schemaMeta } from './struct-values.js';
import { defineTransform, operating, replaced } from './transformation.js';

const config = z.strictObject({
  exclude: field.list([], 'Fields to drop; takes precedence over include'),
  include: field.list([], 'Fields to keep; when set, all others are dropped'),
  renames: field
    .list([], 'Field renames as a list of from:to pairs, e.g. "foo:bar,abc:xyz"')
    .refine((pairs) => pairs.every((p) => /^[^:]+:[^:]+$/.test(p)), {
      message: 'each rename must be a "from:to" pair',
    }),
  blacklist: field.list([], 'Deprecated name of exclude'),
  whitelist: field.list([], 'Deprecated name of include'),
  'replace.null.with.default': field.bool(true, "Use a field's default when its value is null"),
});

/** Drops, keeps and renames fields of a map or struct. Tombstones pass unchanged. */
export const replaceField = defineTransform({
  name: 'ReplaceField',
  kafkaClass: 'org.apache.kafka.connect.transforms.ReplaceField',
  sided: true,
  description: 'Filter or rename fields',
  config,
  create(c, side) {
    const exclude = new Set([...c.exclude, ...c.blacklist]);
    const include = new Set([...c.include, ...c.whitelist]);
    const renames = new Map(c.renames.map((p) => p.split(':') as [string, string]));
    const reverse = new Map([...renames].map(([a, b]) => [b, a]));
    const keep = (name: string) => !exclude.has(name) && (include.size === 0 || include.has(name));
    const renamed = (name: string) => renames.get(name) ?? name;
    const cache = new WeakMap<Schema, Schema>();

    const updatedSchema = (schema: Schema): Schema => {
      let updated = cache.get(schema);
      if (!updated) {
        const fields = (schema.fields ?? [])
          .filter((f) => keep(f.name))
          .map((f) => [renamed(f.name), f.schema] as const);
        updated = struct(fields, schemaMeta(schema));
        cache.set(schema, updated);
      }
      return updated;
    };

    return {
      apply(record) {
        const { schema, value } = operating(record, side);
        if (value === null || value === undefined) return record;
        if (!schema) {
          const out: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(requireMap(value, 'field replacement'))) {
            if (keep(k)) out[renamed(k)] = v;
          }
          return replaced(record, side, null, out);
        }
        const original = requireStruct(schema, value, 'field replacement');
        const updated = updatedSchema(schema);
        const out: Record<string, unknown> = {};
        for (const f of updated.fields ?? []) {
          const from = schema.fields!.find((o) => o.name === (reverse.get(f.name) ?? f.name))!;
          out[f.name] = fieldValue(original, from, c['replace.null.with.default']);
        }
        return replaced(record, side, updated, out);
      },
    };
  },
});
