import type { Schema, SchemaType } from '../data/schema.js';
import { DataError } from '../errors.js';
import type { JsonNode } from './java-json.js';

/**
 * The `schema` half of Kafka's JSON envelope: `{"type":"struct","fields":[{"type":"int32","optional":false,
 * "field":"id"}],"optional":false,"name":"x"}`. Key order is Kafka's: type, then items / keys+values / fields,
 * then optional, name, version, doc, parameters, default.
 */

const TYPES: ReadonlySet<string> = new Set<SchemaType>([
  'int8',
  'int16',
  'int32',
  'int64',
  'float',
  'double',
  'boolean',
  'string',
  'bytes',
  'array',
  'map',
  'struct',
] as SchemaType[]);

// The envelope spells float32 and float64 as Java does: "float" and "double".
const TO_JSON_TYPE: Partial<Record<SchemaType, string>> = { float32: 'float', float64: 'double' };
const FROM_JSON_TYPE: Record<string, SchemaType> = { float: 'float32', double: 'float64' };

export function schemaToJson(
  schema: Schema,
  valueToJson: (schema: Schema, value: unknown) => JsonNode,
): { [key: string]: JsonNode } {
  const node: { [key: string]: JsonNode } = { type: TO_JSON_TYPE[schema.type] ?? schema.type };
  if (schema.type === 'array') node.items = schemaToJson(schema.valueSchema!, valueToJson);
  if (schema.type === 'map') {
    node.keys = schemaToJson(schema.keySchema!, valueToJson);
    node.values = schemaToJson(schema.valueSchema!, valueToJson);
  }
  if (schema.type === 'struct') {
    node.fields = (schema.fields ?? []).map((f) => ({
      ...schemaToJson(f.schema, valueToJson),
      field: f.name,
    }));
  }
  node.optional = schema.optional;
  if (schema.name !== undefined) node.name = schema.name;
  if (schema.version !== undefined) node.version = schema.version;
  if (schema.doc !== undefined) node.doc = schema.doc;
  if (schema.parameters !== undefined) node.parameters = { ...schema.parameters };
  if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
    node.default = valueToJson(schema, schema.defaultValue);
  }
  return node;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function schemaFromJson(
  node: unknown,
  valueFromJson: (schema: Schema, value: unknown) => unknown,
): Schema | null {
  if (node === null) return null;
  if (!isObject(node) || typeof node.type !== 'string')
    throw new DataError("Schema must contain 'type' field");
  if (!TYPES.has(node.type)) throw new DataError(`Unknown schema type: ${node.type}`);
  const type = FROM_JSON_TYPE[node.type] ?? (node.type as SchemaType);
  const schema: Schema = { type, optional: node.optional === true };
  if (type === 'array') {
    if (node.items === undefined || node.items === null) {
      throw new DataError('Array schema did not specify the element type');
    }
    schema.valueSchema = schemaFromJson(node.items, valueFromJson)!;
  } else if (type === 'map') {
    if (node.keys === undefined) throw new DataError('Map schema did not specify the key type');
    if (node.values === undefined) throw new DataError('Map schema did not specify the value type');
    schema.keySchema = schemaFromJson(node.keys, valueFromJson)!;
    schema.valueSchema = schemaFromJson(node.values, valueFromJson)!;
  } else if (type === 'struct') {
    if (!Array.isArray(node.fields))
      throw new DataError('Struct schema\'s "fields" argument is not an array.');
    schema.fields = node.fields.map((f: unknown, index) => {
      if (!isObject(f) || typeof f.field !== 'string') {
        throw new DataError("Struct schema's field name not specified properly");
      }
      return { name: f.field, index, schema: schemaFromJson(f, valueFromJson)! };
    });
  }
  if (typeof node.name === 'string') schema.name = node.name;
  if (Number.isInteger(node.version)) schema.version = node.version as number;
  if (typeof node.doc === 'string') schema.doc = node.doc;
  if (isObject(node.parameters)) {
    const parameters: Record<string, string> = {};
    for (const [k, v] of Object.entries(node.parameters)) {
      if (typeof v !== 'string') throw new DataError('Schema parameters must have string values.');
      parameters[k] = v;
    }
    schema.parameters = parameters;
  }
  if (node.default !== undefined) schema.defaultValue = valueFromJson(schema, node.default);
  return schema;
}
