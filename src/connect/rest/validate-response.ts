import type { z } from 'zod';
import { configIssues } from '../../config/index.js';
import { ConfigError } from '../../errors.js';
import type { AnyConnectorDefinition } from '../connector.js';
import { connectorConfigSchema, flatKeys, parseConnectorConfig } from '../runtime/connector-config.js';

/** One entry of Kafka's `PUT /connector-plugins/{p}/config/validate` response. */
interface ConfigInfo {
  definition: {
    name: string;
    type: string;
    required: boolean;
    default_value: string | null;
    importance: string;
    documentation: string;
    group: string | null;
    width: string;
    display_name: string;
    dependents: string[];
    order: number;
  };
  value: {
    name: string;
    value: string | null;
    recommended_values: string[];
    errors: string[];
    visible: boolean;
  };
}

function describeField(schema: z.ZodType): {
  type: string;
  required: boolean;
  defaultValue: unknown;
  doc: string;
} {
  let s = schema as z.ZodType & { description?: string };
  const doc = s.description ?? '';
  let required = true;
  let defaultValue: unknown = null;
  for (;;) {
    const def = (
      s as unknown as {
        def: { type: string; innerType?: z.ZodType; in?: z.ZodType; out?: z.ZodType; defaultValue?: unknown };
      }
    ).def;
    if (def.type === 'default') {
      required = false;
      defaultValue = def.defaultValue;
      s = def.innerType as typeof s;
    } else if (def.type === 'optional') {
      required = false;
      s = def.innerType as typeof s;
    } else if (def.type === 'pipe') {
      s = def.out as typeof s;
    } else {
      const type =
        { string: 'STRING', number: 'INT', boolean: 'BOOLEAN', array: 'LIST', enum: 'STRING' }[def.type] ??
        'STRING';
      return { type, required, defaultValue, doc };
    }
  }
}

/** Validates `raw` for plugin `definition` and answers in Kafka's shape: every key, its value and its errors. */
export function validateResponse(
  definition: AnyConnectorDefinition,
  raw: Record<string, unknown>,
  plugins: readonly AnyConnectorDefinition[],
  defaults: Record<string, unknown>,
) {
  const schema = connectorConfigSchema(definition);
  const errors = new Map<string, string[]>();
  const add = (key: string, message: string) => errors.set(key, [...(errors.get(key) ?? []), message]);
  for (const issue of configIssues(schema, flatKeys(raw))) add(issue.path || 'name', issue.message);
  if (errors.size === 0) {
    try {
      parseConnectorConfig(raw, plugins, defaults);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      add(err.key ?? 'connector.class', err.message);
    }
  }
  const configs: ConfigInfo[] = Object.entries(schema.shape).map(([name, field], order) => {
    const f = describeField(field as z.ZodType);
    const value = raw[name];
    return {
      definition: {
        name,
        type: f.type,
        required: f.required,
        default_value:
          f.defaultValue === null || f.defaultValue === undefined ? null : String(f.defaultValue),
        importance: f.required ? 'HIGH' : 'MEDIUM',
        documentation: f.doc,
        group: name in definition.config.shape ? definition.name : 'Common',
        width: 'NONE',
        display_name: name,
        dependents: [],
        order,
      },
      value: {
        name,
        value: value === undefined ? null : Array.isArray(value) ? value.join(',') : String(value),
        recommended_values: [],
        errors: errors.get(name) ?? [],
        visible: true,
      },
    };
  });
  // Errors on keys outside the schema (typos, converter and transform keys) get their own entries.
  for (const [name, messages] of errors) {
    if (name in schema.shape) continue;
    configs.push({
      definition: {
        name,
        type: 'STRING',
        required: false,
        default_value: null,
        importance: 'LOW',
        documentation: '',
        group: null,
        width: 'NONE',
        display_name: name,
        dependents: [],
        order: configs.length,
      },
      value: {
        name,
        value: raw[name] === undefined ? null : String(raw[name]),
        recommended_values: [],
        errors: messages,
        visible: true,
      },
    });
  }
  const errorCount = configs.reduce((n, c) => n + c.value.errors.length, 0);
  return { name: definition.name, error_count: errorCount, groups: ['Common', definition.name], configs };
}
