import type pg from 'pg';
import { parseArray } from './pg-array.js';
import { pg as loadPg } from './pg-modules.js';

/**
 * How column values read from PostgreSQL become record values, for the query source and the CDC source alike (both
 * see PostgreSQL's text output: the query source through `pg`, the CDC source through pgoutput's text columns).
 *
 * - integers → numbers (int8 beyond ±2^53 → bigint, never a rounded number); float4/float8 → numbers;
 * - numeric and money → exact decimal strings, never floats;
 * - date → `YYYY-MM-DD`; timestamp → ISO without zone; timestamptz → ISO with its offset (`+00:00`); time → text;
 * - json/jsonb → parsed values (a JSON `null` document becomes null, like SQL NULL); bytea → Buffer; arrays → JS
 *   arrays of the element conversion;
 * - text, uuid, and every type not listed here → the text PostgreSQL prints. NULL stays null.
 */
export type ValueParser = (text: string) => unknown;

/** Type OIDs of the built-in types this module converts (`select oid, typname from pg_type`). */
export enum TypeOid {
  Bool = 16,
  Bytea = 17,
  Int8 = 20,
  Int2 = 21,
  Int4 = 23,
  Text = 25,
  Oid = 26,
  Json = 114,
  Float4 = 700,
  Float8 = 701,
  Money = 790,
  Varchar = 1043,
  Date = 1082,
  Timestamp = 1114,
  Timestamptz = 1184,
  Numeric = 1700,
  Uuid = 2950,
  Jsonb = 3802,
}

/** Array type OID → element type OID, for the arrays of the types above. */
const ARRAY_ELEMENTS = new Map<number, number>([
  [1000, TypeOid.Bool],
  [1001, TypeOid.Bytea],
  [1016, TypeOid.Int8],
  [1005, TypeOid.Int2],
  [1007, TypeOid.Int4],
  [1009, TypeOid.Text],
  [1028, TypeOid.Oid],
  [199, TypeOid.Json],
  [1021, TypeOid.Float4],
  [1022, TypeOid.Float8],
  [791, TypeOid.Money],
  [1015, TypeOid.Varchar],
  [1014, 1042], // _bpchar
  [1182, TypeOid.Date],
  [1115, TypeOid.Timestamp],
  [1185, TypeOid.Timestamptz],
  [1231, TypeOid.Numeric],
  [2951, TypeOid.Uuid],
  [3807, TypeOid.Jsonb],
]);

const identity: ValueParser = (text) => text;

function parseInteger(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

/** `2024-01-02 03:04:05.123456` → `2024-01-02T03:04:05.123456`; BC dates and ±infinity are kept as printed. */
function isoTimestamp(text: string): string {
  return text.length >= 19 && text[10] === ' ' && !text.endsWith(' BC')
    ? `${text.slice(0, 10)}T${text.slice(11)}`
    : text;
}

/** As {@link isoTimestamp}, and the zone `+05` becomes `+05:00` (ISO 8601 extended offset). */
function isoTimestamptz(text: string): string {
  const iso = isoTimestamp(text);
  const sign = iso.charCodeAt(iso.length - 3);
  return sign === 43 /* + */ || sign === 45 /* - */ ? `${iso}:00` : iso;
}

function parseBytea(text: string): Buffer {
  // bytea_output = hex (the default since PostgreSQL 9.0): `\x` then two hex digits per byte.
  // Sessions opened by connect() set it; anything else is taken as raw bytes.
  return text.startsWith('\\x') ? Buffer.from(text.slice(2), 'hex') : Buffer.from(text, 'latin1');
}

const SCALARS = new Map<number, ValueParser>([
  [TypeOid.Bool, (t) => t === 't'],
  [TypeOid.Bytea, parseBytea],
  [TypeOid.Int8, parseInteger],
  [TypeOid.Int2, Number],
  [TypeOid.Int4, Number],
  [TypeOid.Oid, Number],
  [TypeOid.Float4, Number],
  [TypeOid.Float8, Number],
  [TypeOid.Json, (t) => JSON.parse(t)],
  [TypeOid.Jsonb, (t) => JSON.parse(t)],
  [TypeOid.Timestamp, isoTimestamp],
  [TypeOid.Timestamptz, isoTimestamptz],
]);

/** The parser for values of type `oid` in text format. */
export function valueParser(oid: number): ValueParser {
  const scalar = SCALARS.get(oid);
  if (scalar) return scalar;
  const element = ARRAY_ELEMENTS.get(oid);
  if (element !== undefined) {
    const parseElement = valueParser(element);
    return (text) => parseArray(text, parseElement);
  }
  return identity;
}

/** Whether values of type `oid` are the text PostgreSQL prints, as they are (no parser of their own). */
export function parsesAsText(oid: number): boolean {
  return valueParser(oid) === identity;
}

/** A `types` option for `pg` clients so that every query returns values as described above. */
export const pgTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    format === 'binary'
      ? loadPg().types.getTypeParser(oid, 'binary')
      : valueParser(oid)) as typeof pg.types.getTypeParser,
};
