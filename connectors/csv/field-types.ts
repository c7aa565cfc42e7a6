import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let dateFns: {
  parse: typeof import('date-fns/parse').parse;
  isValid: typeof import('date-fns/isValid').isValid;
  format: typeof import('date-fns/format').format;
};

/** date-fns's parse, isValid and format, loaded with the first formatted date: all of date-fns costs ~20 MB of RSS. */
function formats(): typeof dateFns {
  dateFns ??= {
    parse: require('date-fns/parse').parse,
    isValid: require('date-fns/isValid').isValid,
    format: require('date-fns/format').format,
  };
  return dateFns;
}

/**
 * The types a CSV column can have, and how a cell's text becomes a typed value, following Kafka Connect's data
 * model: `date` and `timestamp` become `Date` objects (Connect's Date and Timestamp logical types); `decimal` stays
 * an exact string (as Debezium's `decimal.handling.mode=string`), never a float; a `long` beyond 2^53 is refused
 * rather than rounded.
 */
export type FieldType =
  | 'string'
  | 'int'
  | 'long'
  | 'float'
  | 'double'
  | 'boolean'
  | 'decimal'
  | 'date'
  | 'timestamp';

export const FIELD_TYPES: readonly FieldType[] = [
  'string',
  'int',
  'long',
  'float',
  'double',
  'boolean',
  'decimal',
  'date',
  'timestamp',
];

export interface FieldSpec {
  name: string;
  type: FieldType;
  nullable: boolean;
  /** date-fns pattern (Unicode tokens, as Java's: `yyyy-MM-dd HH:mm:ss`) for date and timestamp; ISO when absent. */
  format?: string;
}

export type CellValue = string | number | boolean | Date | null;

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(Infinity|NaN)$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);

/** Why a cell does not fit its field: thrown by {@link convertCell}, caught per row by the source. */
export class CellError extends Error {}

/** The error for a cell that does not fit its field; a function of its own, as no closure is made per cell. */
function notA(field: FieldSpec, text: string, what: string): CellError {
  return new CellError(
    `column "${field.name}": ${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)} is not ${what}`,
  );
}

/**
 * The value of a cell of at most 15 digits with an optional sign, read digit by digit; undefined for anything else
 * (spaces, more digits, other characters), which the general path then checks. Most integer cells are this, and
 * this is about twice as fast as a regular expression and Number together.
 */
function plainInteger(text: string): number | undefined {
  const length = text.length;
  let i = 0;
  const first = text.charCodeAt(0);
  if (first === 0x2d || first === 0x2b) i = 1; // - or +
  if (length === i || length - i > 15) return undefined;
  let n = 0;
  for (; i < length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    n = n * 10 + digit;
  }
  // -0 is 0 as a long.
  return first === 0x2d && n !== 0 ? -n : n;
}

/** Converts one cell. `null` (the null marker or an empty cell) is allowed only for nullable fields. */
export function convertCell(field: FieldSpec, text: string | null): CellValue {
  if (text === null) {
    if (field.nullable) return null;
    throw new CellError(`column "${field.name}" is empty but not nullable`);
  }
  switch (field.type) {
    case 'string':
      return text;
    case 'int': {
      const t = text.trim();
      const n = Number(t);
      if (!INTEGER.test(t) || n < -2147483648 || n > 2147483647) throw notA(field, text, 'an int (32-bit)');
      return n;
    }
    case 'long': {
      const plain = plainInteger(text);
      if (plain !== undefined) return plain;
      const t = text.trim();
      const n = Number(t);
      if (!INTEGER.test(t)) throw notA(field, text, 'a long');
      if (!Number.isSafeInteger(n))
        throw notA(field, text, 'a long within ±2^53 (declare the column as decimal to keep it exact)');
      // -0 is 0 as a long, with spaces around as without.
      return n === 0 ? 0 : n;
    }
    case 'float':
    case 'double': {
      const t = text.trim();
      if (!FLOAT.test(t)) throw notA(field, text, `a ${field.type}`);
      return field.type === 'float' ? Math.fround(Number(t)) : Number(t);
    }
    case 'boolean': {
      if (text === 'true') return true;
      if (text === 'false') return false;
      const t = text.trim().toLowerCase();
      if (TRUE.has(t)) return true;
      if (FALSE.has(t)) return false;
      throw notA(field, text, 'a boolean (true/false, yes/no, 1/0)');
    }
    case 'decimal': {
      const t = text.trim();
      if (!DECIMAL.test(t)) throw notA(field, text, 'a decimal number');
      return t.startsWith('+') ? t.slice(1) : t;
    }
    case 'date': {
      const t = text.trim();
      if (field.format) {
        const { parse, isValid } = formats();
        const d = parse(t, field.format, new Date(0));
        if (!isValid(d)) throw notA(field, text, `a date in the format ${field.format}`);
        return new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()));
      }
      const ms = ISO_DATE.test(t) ? Date.parse(`${t}T00:00:00Z`) : Number.NaN;
      if (Number.isNaN(ms)) throw notA(field, text, 'a date (YYYY-MM-DD)');
      return new Date(ms);
    }
    case 'timestamp': {
      const t = text.trim();
      if (field.format) {
        const { parse, isValid } = formats();
        const d = parse(t, field.format, new Date(0));
        if (!isValid(d)) throw notA(field, text, `a timestamp in the format ${field.format}`);
        return d;
      }
      if (!ISO_TIMESTAMP.test(t)) throw notA(field, text, 'an ISO-8601 timestamp');
      const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(t) ? t : `${t}Z`;
      const ms = Date.parse(withZone.replace(' ', 'T'));
      if (Number.isNaN(ms)) throw notA(field, text, 'an ISO-8601 timestamp');
      return new Date(ms);
    }
  }
}

/**
 * The text a date or timestamp field is written as, the reverse of {@link convertCell}. A `Date`, or the number
 * the JSON converter turns one into (Kafka Connect's logical types: epoch milliseconds for a Timestamp, days since
 * the epoch for a Date), becomes ISO 8601 (`2024-05-01T12:00:00.000Z`; `2024-05-01` for a date) or the field's
 * format. Anything else (a string already, null) is left as it is.
 */
export function formatTemporal(field: FieldSpec, value: unknown): unknown {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = field.type === 'date' ? value * 86_400_000 : value;
  else return value;
  if (!Number.isFinite(ms)) return value;
  const d = new Date(ms);
  if (field.format) {
    // A date was read as midnight UTC of its calendar day; it is formatted as that day again.
    const local = field.type === 'date' ? new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) : d;
    return formats().format(local, field.format);
  }
  return field.type === 'date' ? d.toISOString().slice(0, 10) : d.toISOString();
}

/**
 * Converts a row's cells into `values`, by position (a string cell is its own value); throws {@link CellError} at
 * the first cell that does not fit its field.
 */
export function convertCells(
  fields: readonly FieldSpec[],
  cells: readonly (string | null)[],
  values: CellValue[],
): void {
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const text = cells[i] ?? null;
    values[i] = f.type === 'string' && text !== null ? text : convertCell(f, text);
  }
}

/**
 * The narrowest type that every non-null sample of a column parses as: boolean, long, double, date, timestamp,
 * else string. A column with any null sample (or none at all) is nullable.
 */
export function inferField(name: string, samples: readonly (string | null)[]): FieldSpec {
  const present = samples.filter((s): s is string => s !== null);
  const nullable = present.length < samples.length || present.length === 0;
  const all = (re: RegExp) => present.length > 0 && present.every((s) => re.test(s.trim()));
  let type: FieldType = 'string';
  if (present.length > 0 && present.every((s) => /^(true|false)$/i.test(s.trim()))) type = 'boolean';
  else if (all(INTEGER) && present.every((s) => Number.isSafeInteger(Number(s)))) type = 'long';
  else if (all(FLOAT)) type = 'double';
  else if (all(ISO_DATE)) type = 'date';
  else if (all(ISO_TIMESTAMP)) type = 'timestamp';
  return { name, type, nullable };
}

/**
 * Parses a declared field type: `long`, `string?` (nullable), `timestamp(yyyy-MM-dd HH:mm:ss)` (with a format),
 * or `decimal?`. Returns an error message for anything else.
 */
export function parseFieldType(name: string, text: string): FieldSpec | string {
  const m = /^\s*([a-z]+)\s*(?:\((.*)\))?\s*(\?)?\s*$/.exec(text);
  if (!m || !FIELD_TYPES.includes(m[1] as FieldType)) {
    return `column "${name}": unknown type "${text}"; use one of ${FIELD_TYPES.join(', ')} (append ? for nullable)`;
  }
  const type = m[1] as FieldType;
  if (m[2] !== undefined && type !== 'date' && type !== 'timestamp') {
    return `column "${name}": only date and timestamp take a format, not ${type}`;
  }
  return { name, type, nullable: m[3] === '?', ...(m[2] ? { format: m[2] } : {}) };
}
