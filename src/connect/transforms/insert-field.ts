import { z } from 'zod';
import { field } from '../config-fields.js';
import { isSinkRecord } from '../data/connect-record.js';
import { type Schema, Schemas, struct } from '../data/schema.js';
import { DataError } from '../errors.js';
import { requireMap, requireStruct } from './require.js';
import { schemaMeta } from './struct-values.js';
import { defineTransform, operating, replaced } from './transformation.js';

const OPTIONALITY = "Suffix with '!' to make the field required, or '?' to keep it optional (the default).";

const config = z.strictObject({
  'topic.field': field.optionalString(`Field name for the record's topic. ${OPTIONALITY}`),
  'partition.field': field.optionalString(`Field name for the Kafka partition. ${OPTIONALITY}`),
  'offset.field': field.optionalString(
    `Field name for the Kafka offset (sink connectors only). ${OPTIONALITY}`,
  ),
  'timestamp.field': field.optionalString(`Field name for the record timestamp. ${OPTIONALITY}`),
  'static.field': field.optionalString(`Field name for a static value. ${OPTIONALITY}`),
  'static.value': field.optionalString('The static value, when static.field is set'),
});

interface Spec {
  name: string;
  optional: boolean;
}

function parseSpec(spec: string | undefined): Spec | undefined {
  if (spec === undefined) return undefined;
  if (spec.endsWith('?')) return { name: spec.slice(0, -1), optional: true };
  if (spec.endsWith('!')) return { name: spec.slice(0, -1), optional: false };
  return { name: spec, optional: true };
}

const opt = (s: Schema, optional: boolean): Schema => (optional ? { ...s, optional: true } : s);

/**
 * Inserts record metadata (topic, partition, offset, timestamp) and a static value as fields of the key or value.
 * Schemaless values must be maps; with a schema the struct gains the fields at its end. Tombstones pass unchanged.
 */
export const insertField = defineTransform({
  name: 'InsertField',
  kafkaClass: 'org.apache.kafka.connect.transforms.InsertField',
  sided: true,
  description: 'Insert topic, partition, offset, timestamp or a static value as fields',
  config,
  create(c, side) {
    const topic = parseSpec(c['topic.field']);
    const partition = parseSpec(c['partition.field']);
    const offset = parseSpec(c['offset.field']);
    const timestamp = parseSpec(c['timestamp.field']);
    const stat = parseSpec(c['static.field']);
    const staticValue = c['static.value'];
    const cache = new WeakMap<Schema, Schema>();

    const additions = (record: Parameters<typeof isSinkRecord>[0], asDate: boolean): [string, unknown][] => {
      const out: [string, unknown][] = [];
      if (topic) out.push([topic.name, record.topic]);
      if (partition && record.kafkaPartition != null) out.push([partition.name, record.kafkaPartition]);
      if (offset) {
        if (!isSinkRecord(record)) {
          throw new DataError(
            'Offset insertion is only supported for sink connectors; this record comes from a source',
          );
        }
        out.push([offset.name, record.kafkaOffset]);
      }
      if (timestamp && record.timestamp != null) {
        out.push([timestamp.name, asDate ? new Date(record.timestamp) : record.timestamp]);
      }
      if (stat && staticValue !== undefined) out.push([stat.name, staticValue]);
      return out;
    };

    const updatedSchema = (schema: Schema): Schema => {
      let updated = cache.get(schema);
      if (!updated) {
        const fields: [string, Schema][] = (schema.fields ?? []).map((f) => [f.name, f.schema]);
        if (topic) fields.push([topic.name, opt(Schemas.STRING, topic.optional)]);
        if (partition) fields.push([partition.name, opt(Schemas.INT32, partition.optional)]);
        if (offset) fields.push([offset.name, opt(Schemas.INT64, offset.optional)]);
        if (timestamp) fields.push([timestamp.name, opt(Schemas.TIMESTAMP, timestamp.optional)]);
        if (stat) fields.push([stat.name, opt(Schemas.STRING, stat.optional)]);
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
          const map = { ...requireMap(value, 'field insertion') };
          for (const [k, v] of additions(record, false)) map[k] = v;
          return replaced(record, side, null, map);
        }
        const original = requireStruct(schema, value, 'field insertion');
        const updated = { ...original };
        for (const [k, v] of additions(record, true)) updated[k] = v;
        return replaced(record, side, updatedSchema(schema), updated);
      },
    };
  },
});
