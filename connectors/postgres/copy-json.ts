import { JsonBytes, JsonConverter } from '../../src/connect/index.js';
import { type StartedCopy, unescapeField } from './copy-rows.js';
import { parsesAsText, TypeOid, type ValueParser, valueParser } from './pg-values.js';

/** How a column's COPY text becomes JSON. */
enum Kind {
  /** A string the text is (text, varchar, numeric, date, uuid, ...): quoted as it is when nothing needs escaping. */
  Text,
  /** An integer: its text is its JSON. */
  Integer,
  Bool,
  /** `2024-01-02 03:04:05` → `"2024-01-02T03:04:05"`. */
  Timestamp,
  /** As Timestamp, and a zone `+05` becomes `+05:00`. */
  Timestamptz,
  Float,
  /** Everything else (json, bytea, arrays): parsed as the row path parses it, and written by the converter. */
  Parsed,
}

function kindOf(oid: number): Kind {
  switch (oid) {
    case TypeOid.Int2:
    case TypeOid.Int4:
    case TypeOid.Int8:
    case TypeOid.Oid:
      return Kind.Integer;
    case TypeOid.Bool:
      return Kind.Bool;
    case TypeOid.Timestamp:
      return Kind.Timestamp;
    case TypeOid.Timestamptz:
      return Kind.Timestamptz;
    case TypeOid.Float4:
    case TypeOid.Float8:
      return Kind.Float;
    default:
      return parsesAsText(oid) ? Kind.Text : Kind.Parsed;
  }
}

/** Output is written into slabs of this size; each record's bytes are a view of one. */
const SLAB_BYTES = 64 * 1024;
const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

const TAB = 0x09;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');
const ZONE_MINUTES = Buffer.from(':00');

/**
 * Whether a float's COPY text is already its JSON: the text the converter writes for the number is the number's
 * shortest round-trip digits (JS's and Java's) in plain notation for an integer of at most 15 digits, and for any
 * other number from 1e-3 to 1e7; sessions print floats in their shortest round-trip digits too
 * (`extra_float_digits` > 0, see connection.ts), in plain notation there, so such text is the same text. `-0` is
 * written `0`, and anything with an exponent, or NaN and infinities, is not plain.
 */
function isPlainFloat(data: Buffer, at: number, end: number): boolean {
  let i = data[at] === 0x2d ? at + 1 : at; // -
  const intStart = i;
  while (i < end && data[i]! >= 0x30 && data[i]! <= 0x39) i++;
  const intDigits = i - intStart;
  if (intDigits === 0) return false;
  if (i === end) return intDigits <= 15 && !(intDigits === 1 && data[intStart] === 0x30 && intStart > at);
  if (data[i] !== 0x2e || intDigits > 7) return false; // .
  const fracStart = ++i;
  while (i < end && data[i]! >= 0x30 && data[i]! <= 0x39) i++;
  if (i !== end || i === fracStart || data[end - 1] === 0x30) return false;
  if (intDigits > 1 || data[intStart] !== 0x30) return true;
  // 0.xyz: at least 1e-3 when one of the first three decimals is not 0.
  for (let d = fracStart; d < Math.min(end, fracStart + 3); d++) if (data[d] !== 0x30) return true;
  return false;
}

/**
 * Rows of a `COPY (query) TO STDOUT` stream (text format, see {@link CopyRows}) turned straight into the JSON bytes
 * the JSON converter (schemaless) writes for the row objects {@link CopyRows} builds, without building them: the
 * bytes of a field are copied into the output as they are wherever its JSON is its text (integers, and strings
 * with nothing to escape), rewritten in place for timestamps and booleans, and only the rest (escapes, floats
 * outside Java's plain range, json, bytea, arrays) is parsed by the row path's parser and written by the converter
 * itself. The result is byte for byte the converter's output for the row object.
 *
 * A few columns can be asked for as values too (`keep`), parsed as the row path would: the source needs the id and
 * timestamp columns for its offsets.
 */
export class CopyJsonRows {
  private readonly chunks: AsyncIterator<Buffer>;
  private readonly kinds: Kind[];
  private readonly parsers: ValueParser[];
  /** `{"name":` for the first column, `,"name":` for the others, as the converter spells the keys. */
  private readonly prefixes: Buffer[];
  /** Per column, its index in `keep`, or -1. */
  private readonly keptIndex: Int32Array;
  private readonly fallback = new JsonConverter(false);
  private pending: Buffer | null = null;
  private ended = false;
  private out = Buffer.allocUnsafe(SLAB_BYTES);
  private p = 0;
  /** Start of the row being written, in `out`. */
  private rowStart = 0;
  private values: JsonBytes[] = [];
  /** Per kept column, its values, row by row alongside `values`. */
  private kept: unknown[][];

  private constructor(
    private readonly stream: NodeJS.ReadableStream & { destroy(): void },
    private readonly names: string[],
    oids: number[],
    keep: string[],
  ) {
    this.kinds = oids.map(kindOf);
    this.parsers = oids.map(valueParser);
    this.prefixes = names.map((name, i) => {
      // The converter's own text of the key: `{"name":0}` less the brace and the value.
      const text = this.fallback.fromConnectData('', null, { [name]: 0 })!;
      const key = text.subarray(1, text.length - 2);
      return Buffer.concat([Buffer.from(i === 0 ? '{' : ','), key]);
    });
    this.keptIndex = new Int32Array(names.length).fill(-1);
    keep.forEach((name, k) => {
      this.keptIndex[names.indexOf(name)] = k;
    });
    this.kept = keep.map(() => []);
    this.chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /**
   * Whether rows with these column names can be written straight: the row object of the same columns would list
   * its keys in column order, once each. It would not with a repeated name (the last value wins), `__proto__`
   * (which sets the object's prototype) or an array index like `7` (listed first); those rows go the row path.
   */
  static handles(names: readonly string[]): boolean {
    return (
      names.length > 0 &&
      new Set(names).size === names.length &&
      names.every((n) => n !== '__proto__' && !ARRAY_INDEX.test(n))
    );
  }

  /** Reads a started COPY whose columns {@link handles} takes. */
  static from(copy: StartedCopy, keep: string[]): CopyJsonRows {
    return new CopyJsonRows(copy.stream, copy.names, copy.oids, keep);
  }

  /**
   * Up to `max` rows, fewer only when the query's rows are exhausted: each row's JSON, and per kept column its
   * values in the same order.
   */
  async read(max: number): Promise<{ values: JsonBytes[]; kept: unknown[][] }> {
    while (this.values.length < max && !this.ended) {
      const next = await this.chunks.next();
      if (next.done) {
        this.ended = true;
        if (this.pending !== null && this.pending.length > 0)
          throw new Error('the COPY stream ended inside a row: the server closed it early');
      } else {
        this.parse(next.value);
      }
    }
    if (this.values.length <= max) {
      const out = { values: this.values, kept: this.kept };
      this.values = [];
      this.kept = this.kept.map(() => []);
      return out;
    }
    return { values: this.values.splice(0, max), kept: this.kept.map((k) => k.splice(0, max)) };
  }

  /** Abandons the stream; the connection is left mid-COPY and must be closed by the caller. */
  close(): void {
    this.stream.destroy();
  }

  /** Room for `n` more bytes of the row being written: a row that does not fit moves to a fresh slab. */
  private ensure(n: number): void {
    if (this.p + n <= this.out.length) return;
    const written = this.p - this.rowStart;
    const slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, 2 * (written + n)));
    this.out.copy(slab, 0, this.rowStart, this.p);
    this.out = slab;
    this.rowStart = 0;
    this.p = written;
  }

  private copy(from: Buffer, start: number, end: number): void {
    const out = this.out;
    let p = this.p;
    if (end - start <= 16) for (let i = start; i < end; i++) out[p++] = from[i]!;
    else p += from.copy(out, p, start, end);
    this.p = p;
  }

  private parse(chunk: Buffer): void {
    const data =
      this.pending !== null && this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const n = data.length;
    const kinds = this.kinds;
    const last = kinds.length - 1;
    let row = 0;
    rows: while (row < n) {
      this.rowStart = this.p;
      let at = row;
      for (let c = 0; c <= last; c++) {
        // The field's end, and whether it holds anything a JSON string cannot take as it is (or an escape).
        let e = at;
        let plain = true;
        for (; e < n; e++) {
          const b = data[e]!;
          if (b < 0x23) {
            if (b === TAB || b === NEWLINE) break;
            if (b < 0x20 || b === QUOTE) plain = false;
          } else if (b === BACKSLASH) plain = false;
        }
        if (e === n) {
          // The row goes on in the next chunk: it is written again from its start then.
          this.p = this.rowStart;
          for (const k of this.kept) k.length = this.values.length;
          break rows;
        }
        if ((data[e] === NEWLINE) !== (c === last)) {
          throw new Error(
            `a COPY row has ${data[e] === NEWLINE ? c + 1 : 'more than'} ${kinds.length} fields`,
          );
        }
        const prefix = this.prefixes[c]!;
        // Room for what the plain kinds add: quotes, `:00`, `false` for `f`, a float's digits for `1e+15`.
        this.ensure(prefix.length + (e - at) + 32);
        this.copy(prefix, 0, prefix.length);
        const isNull = !plain && e - at === 2 && data[at] === BACKSLASH && data[at + 1] === 0x4e; // \N
        if (isNull) this.copy(NULL, 0, 4);
        else if (!plain || !this.writePlain(kinds[c]!, data, at, e)) this.writeParsed(c, data, at, e, plain);
        const k = this.keptIndex[c]!;
        if (k >= 0) this.kept[k]!.push(isNull ? null : this.parseField(c, data, at, e, plain));
        at = e + 1;
      }
      this.ensure(1);
      this.out[this.p++] = 0x7d; // }
      this.values.push(new JsonBytes(this.out.subarray(this.rowStart, this.p)));
      row = at;
    }
    this.pending = row < n ? data.subarray(row) : null;
  }

  /** Writes a field whose bytes need no escape by its column's kind; false when it must be parsed instead. */
  private writePlain(kind: Kind, data: Buffer, at: number, end: number): boolean {
    const out = this.out;
    switch (kind) {
      case Kind.Integer:
        this.copy(data, at, end);
        return true;
      case Kind.Text:
        out[this.p++] = QUOTE;
        this.copy(data, at, end);
        out[this.p++] = QUOTE;
        return true;
      case Kind.Bool:
        if (data[at] === 0x74)
          this.copy(TRUE, 0, 4); // t
        else this.copy(FALSE, 0, 5);
        return true;
      case Kind.Timestamp:
      case Kind.Timestamptz: {
        // As isoTimestamp: only `YYYY-MM-DD hh:mm:ss...` of the common era; BC and infinity are parsed.
        const bc = data[end - 3] === 0x20 && data[end - 2] === 0x42 && data[end - 1] === 0x43;
        if (end - at < 19 || data[at + 10] !== 0x20 || bc) return false;
        out[this.p++] = QUOTE;
        const t = this.p + 10;
        this.copy(data, at, end);
        out[t] = 0x54; // T
        const sign = data[end - 3];
        if (kind === Kind.Timestamptz && (sign === 0x2b || sign === 0x2d)) this.copy(ZONE_MINUTES, 0, 3);
        out[this.p++] = QUOTE;
        return true;
      }
      case Kind.Float: {
        if (isPlainFloat(data, at, end)) {
          this.copy(data, at, end);
          return true;
        }
        // Integers as their digits; other doubles in Java's plain range as JS prints them (the converter's rule).
        const value = Number(data.toString('latin1', at, end));
        const abs = Math.abs(value);
        if (Number.isSafeInteger(value) || (abs >= 1e-3 && abs < 1e7 && !Number.isInteger(value))) {
          this.p += out.write(String(value), this.p, 'latin1');
          return true;
        }
        return false;
      }
      default:
        return false;
    }
  }

  private parseField(c: number, data: Buffer, at: number, end: number, plain: boolean): unknown {
    // An id column's value without a string in between, while it is certainly a safe integer.
    if (this.kinds[c] === Kind.Integer && plain && end - at <= 15) {
      const negative = data[at] === 0x2d;
      let n = 0;
      for (let i = negative ? at + 1 : at; i < end; i++) n = n * 10 + data[i]! - 0x30;
      return negative ? -n : n;
    }
    const text = data.toString('utf8', at, end);
    return this.parsers[c]!(plain ? text : unescapeField(text));
  }

  /** A field as the row path reads it, written by the converter. */
  private writeParsed(c: number, data: Buffer, at: number, end: number, plain: boolean): void {
    const bytes = this.fallback.fromConnectData('', null, this.parseField(c, data, at, end, plain)) ?? NULL;
    this.ensure(bytes.length);
    this.copy(bytes, 0, bytes.length);
  }
}
