import { LogicalType, type Schema } from '../../src/connect/index.js';
import { formatArray } from './pg-array.js';

/**
 * Record values → PostgreSQL text input, by the type of the column they go to. Every value travels as text (a
 * statement parameter or a COPY field) and PostgreSQL parses it with the column's input function, so numeric
 * strings stay exact and time stamps keep their zone. Conversions that the Connect data model makes necessary:
 * - json/jsonb columns take any value as JSON (`JSON.stringify`), so objects, arrays and scalars round-trip;
 * - bytea takes a Buffer, or a base64 string (how the JSON converter carries bytes without a schema);
 * - date and time stamp columns take ISO strings, Dates, or numbers (ms since the epoch, Connect's Timestamp);
 * - array columns take JS arrays; any other object goes in as JSON text.
 */
export interface ColumnType {
  /** `format_type` spelling: `integer`, `numeric(10,2)`, `timestamp with time zone`, `text[]`. */
  type: string;
  /** The type without modifiers (`numeric`, `character varying`), for casts that must not round or truncate. */
  cast: string;
  /** pg_type.typname of the column, or of its element for arrays (`int4`, `jsonb`, `bytea`, `timestamptz`). */
  base: string;
  isArray: boolean;
}

function scalarText(value: unknown, base: string): string {
  if (base === 'json' || base === 'jsonb') return JSON.stringify(value, jsonReplacer);
  if (base === 'bytea') {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.from(value as Uint8Array);
    return `\\x${bytes.toString('hex')}`;
  }
  if (typeof value === 'number' && (base === 'timestamptz' || base === 'timestamp' || base === 'date')) {
    value = new Date(value);
  }
  if (value instanceof Date) {
    const iso = value.toISOString();
    return base === 'date' ? iso.slice(0, 10) : base === 'timestamp' ? iso.slice(0, -1) : iso;
  }
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  return JSON.stringify(value, jsonReplacer);
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value <= Number.MAX_SAFE_INTEGER ? Number(value) : value.toString();
  if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer') {
    return Buffer.from((value as { data: number[] }).data).toString('base64');
  }
  return value;
}

/** The text PostgreSQL reads for `value` in a column of type `column`; null for SQL NULL. */
export function toPgText(value: unknown, column: ColumnType): string | null {
  if (value === null || value === undefined) return null;
  if (column.isArray && Array.isArray(value)) return formatArray(value, (v) => scalarText(v, column.base));
  return scalarText(value, column.base);
}

const COPY_SPECIAL = /[\\\n\r\t]/;

/**
 * One field of COPY's text format: `\N` is NULL; backslash, newline, carriage return and tab are escaped with a
 * backslash (fields are tab-separated, rows newline-terminated).
 */
export function copyField(text: string | null): string {
  if (text === null) return '\\N';
  if (!COPY_SPECIAL.test(text)) return text;
  return text.replace(/[\\\n\r\t]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t',
  );
}

/** The column type `auto.create` and `auto.evolve` give a field with this Connect schema. */
export function pgTypeForSchema(schema: Schema): string {
  if (schema.name === LogicalType.Decimal) return 'numeric';
  if (schema.name === LogicalType.Timestamp) return 'timestamptz';
  if (schema.name === LogicalType.Date) return 'date';
  if (schema.name === LogicalType.Time) return 'time';
  switch (schema.type) {
    case 'int8':
    case 'int16':
      return 'smallint';
    case 'int32':
      return 'integer';
    case 'int64':
      return 'bigint';
    case 'float32':
      return 'real';
    case 'float64':
      return 'double precision';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'text';
    case 'bytes':
      return 'bytea';
    case 'array': {
      const element = schema.valueSchema ? pgTypeForSchema(schema.valueSchema) : 'jsonb';
      return element === 'jsonb' || element.endsWith('[]') ? 'jsonb' : `${element}[]`;
    }
    default:
      return 'jsonb';
  }
}

/** The column type for a schemaless value (null when it says nothing: null itself, or an empty array). */
export function pgTypeForValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return 'bigint';
  if (typeof value === 'number') return Number.isInteger(value) ? 'bigint' : 'double precision';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'text';
  if (value instanceof Date) return 'timestamptz';
  if (value instanceof Uint8Array) return 'bytea';
  if (Array.isArray(value)) {
    let element: string | null = null;
    for (const v of value) {
      const t = pgTypeForValue(v);
      if (t === null || t === element) continue;
      // Integers and floats share a numeric element type; any other mix keeps the values as JSON.
      const numeric = (x: string) => x === 'bigint' || x === 'double precision';
      if (element === null) element = t;
      else if (numeric(element) && numeric(t)) element = 'double precision';
      else return 'jsonb';
    }
    if (element === null) return null;
    return element === 'jsonb' || element.endsWith('[]') ? 'jsonb' : `${element}[]`;
  }
  return 'jsonb';
}
