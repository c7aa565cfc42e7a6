import { JsonBytes, JsonConverter } from '../../src/connect/index.js';
import type { CopyOut } from './copy-out.js';
import { type StartedCopy, unescapeField } from './copy-rows.js';
import { parsesAsText, TypeOid, type ValueParser, valueParser } from './pg-values.js';

/** How a column's COPY text becomes JSON. The kinds up to Timestamptz are JSON strings. */
enum Kind {
  /** A string the text is (text, varchar, ...): quoted as it is when nothing needs escaping. */
  Text,
  /** A string whose type never prints a character JSON escapes (numeric, date, uuid): quoted as it is. */
  Token,
  /** `2024-01-02 03:04:05` → `"2024-01-02T03:04:05"`. */
  Timestamp,
  /** As Timestamp, and a zone `+05` becomes `+05:00`. */
  Timestamptz,
  /** An integer: its text is its JSON. */
  Integer,
  Bool,
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
    case TypeOid.Numeric:
    case TypeOid.Date:
    case TypeOid.Uuid:
      return Kind.Token;
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
 *
 * Hand-written for speed: a row at a time, each field's bytes copied while they are scanned. Turning the COPY of
 * 1M rows of 10 columns into records cost 0.95 to 1.63 µs per row beyond reading it when fields were scanned
 * first and copied by `Buffer#copy` after, and 0.68 to 0.95 this way (`npm run bench -- postgres`, three runs of
 * each side by side on a shared machine at a load average of 8 to 11).
 */
export class CopyJsonRows {
  private readonly kinds: Kind[];
  private readonly parsers: ValueParser[];
  /** `{"name":` for the first column, `,"name":` for the others, as the converter spells the keys. */
  private readonly prefixes: Buffer[];
  /** Room a row takes beyond its text: its keys, and what the plain kinds add to each field (32 bytes at most). */
  private readonly rowRoom: number;
  /** Per column, its index among the distinct names of `keep`, or -1. */
  private readonly keptIndex: Int32Array;
  /** Per name of `keep`, the index of its distinct name: a name asked for twice is one column of values. */
  private readonly keepOf: number[];
  private readonly fallback = new JsonConverter(false);
  private pending: Buffer | null = null;
  private ended = false;
  private out = Buffer.allocUnsafe(SLAB_BYTES);
  private p = 0;
  /** Start of the row being written, in `out`. */
  private rowStart = 0;
  private values: JsonBytes[] = [];
  /** Per distinct kept name, its values, row by row alongside `values`. */
  private kept: unknown[][];

  private constructor(
    private readonly copyOut: CopyOut,
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
    this.rowRoom = this.prefixes.reduce((n, prefix) => n + prefix.length + 32, 1);
    const distinct = [...new Set(keep)];
    this.keepOf = keep.map((name) => distinct.indexOf(name));
    this.keptIndex = new Int32Array(names.length).fill(-1);
    distinct.forEach((name, k) => {
      const c = names.indexOf(name);
      if (c >= 0) this.keptIndex[c] = k;
    });
    this.kept = distinct.map(() => []);
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
    return new CopyJsonRows(copy.out, copy.names, copy.oids, keep);
  }

  /**
   * Up to `max` rows, fewer only when the query's rows are exhausted: each row's JSON, and per kept column its
   * values in the same order.
   */
  async read(max: number): Promise<{ values: JsonBytes[]; kept: unknown[][] }> {
    while (this.values.length < max && !this.ended) {
      const next = await this.copyOut.next();
      if (next === null) {
        this.ended = true;
        if (this.pending !== null && this.pending.length > 0)
          throw new Error('the COPY stream ended inside a row: the server closed it early');
      } else {
        this.parse(next);
      }
    }
    const values = this.values;
    const kept = this.kept;
    if (values.length <= max) {
      this.values = [];
      this.kept = kept.map(() => []);
    } else {
      // The rows past `max` (at most a chunk's) move to new arrays; the first `max` stay where they are.
      this.values = values.slice(max);
      values.length = max;
      this.kept = kept.map((k) => {
        const rest = k.slice(max);
        k.length = max;
        return rest;
      });
    }
    return { values, kept: this.keepOf.map((k) => kept[k]!) };
  }

  /** Abandons the COPY; the connection is left mid-COPY and must be closed by the caller. */
  close(): void {
    this.copyOut.close();
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

  /**
   * Writes the chunk's whole rows. A row is taken only once its newline is in, with room in the slab for its
   * text, its keys and what the plain kinds add to a field; each field's bytes are copied while they are scanned
   * (a byte loop: `Buffer#copy` makes a view of its source per call, which for fields of 10 to 40 bytes cost
   * more than the copy), then finished in place by the column's kind, or written again parsed.
   */
  private parse(chunk: Buffer): void {
    let from = 0;
    const pending = this.pending;
    if (pending !== null) {
      // The row cut by the last chunk's end, whole: its start, and this chunk up to its newline (if it has one).
      const eol = chunk.indexOf(NEWLINE);
      if (eol === -1) {
        this.pending = Buffer.concat([pending, chunk]);
        return;
      }
      this.pending = null;
      from = eol + 1;
      const rest = this.parseRows(Buffer.concat([pending, chunk.subarray(0, from)]), 0);
      if (rest !== null) throw new Error('a COPY row was not parsed whole');
    }
    this.pending = this.parseRows(chunk, from);
  }

  /** Writes the rows of `data` from `row` on; returns the start of a row its end cuts, or null. */
  private parseRows(data: Buffer, row: number): Buffer | null {
    const n = data.length;
    const kinds = this.kinds;
    const prefixes = this.prefixes;
    const keptIndex = this.keptIndex;
    const last = kinds.length - 1;
    while (row < n) {
      const eol = data.indexOf(NEWLINE, row);
      if (eol === -1) break;
      this.rowStart = this.p;
      this.ensure(eol - row + this.rowRoom);
      let out = this.out;
      let p = this.p;
      let at = row;
      for (let c = 0; c <= last; c++) {
        const prefix = prefixes[c]!;
        for (let i = 0; i < prefix.length; i++) out[p++] = prefix[i]!;
        const kind = kinds[c]!;
        const valueAt = p;
        if (kind <= Kind.Timestamptz) out[p++] = QUOTE;
        const textAt = p;
        // The field's end, and whether it holds anything a JSON string cannot take as it is (or an escape). The
        // kinds between Text and Parsed print none of those, and only `\N` (NULL) starts with a backslash there.
        let e = at;
        let plain = true;
        if (kind !== Kind.Text && kind !== Kind.Parsed && data[at] !== BACKSLASH) {
          for (; e < eol; e++) {
            const b = data[e]!;
            if (b === TAB) break;
            out[p++] = b;
          }
        } else {
          for (; e < eol; e++) {
            const b = data[e]!;
            if (b < 0x23) {
              if (b === TAB) break;
              if (b < 0x20 || b === QUOTE) plain = false;
            } else if (b === BACKSLASH) plain = false;
            out[p++] = b;
          }
        }
        if ((e === eol) !== (c === last)) {
          throw new Error(`a COPY row has ${e === eol ? c + 1 : 'more than'} ${kinds.length} fields`);
        }
        const isNull = !plain && e - at === 2 && data[at] === BACKSLASH && data[at + 1] === 0x4e; // \N
        if (isNull) {
          p = valueAt;
          for (let i = 0; i < 4; i++) out[p++] = NULL[i]!;
        } else {
          const end = plain ? this.finishPlain(kind, data, at, e, valueAt, textAt, p) : -1;
          if (end >= 0) p = end;
          else {
            this.p = valueAt;
            this.writeParsed(c, data, at, e, plain, eol - e + this.rowRoom);
            out = this.out;
            p = this.p;
          }
        }
        const k = keptIndex[c]!;
        if (k >= 0) this.kept[k]!.push(isNull ? null : this.parseField(c, data, at, e, plain));
        at = e + 1;
      }
      out[p++] = 0x7d; // }
      this.p = p;
      this.values.push(new JsonBytes(out.subarray(this.rowStart, p)));
      row = at;
    }
    return row < n ? data.subarray(row) : null;
  }

  /**
   * Finishes a field whose bytes, needing no escape, were copied to `textAt` .. `p` (after an opening quote for the
   * kinds that take one, at `valueAt`): returns where its JSON ends, or -1 when it must be parsed instead.
   */
  private finishPlain(
    kind: Kind,
    data: Buffer,
    at: number,
    end: number,
    valueAt: number,
    textAt: number,
    p: number,
  ): number {
    const out = this.out;
    switch (kind) {
      case Kind.Integer:
        return p;
      case Kind.Text:
      case Kind.Token:
        out[p] = QUOTE;
        return p + 1;
      case Kind.Bool: {
        const word = data[at] === 0x74 ? TRUE : FALSE; // t
        for (let i = 0; i < word.length; i++) out[valueAt + i] = word[i]!;
        return valueAt + word.length;
      }
      case Kind.Timestamp:
      case Kind.Timestamptz: {
        // As isoTimestamp: only `YYYY-MM-DD hh:mm:ss...` of the common era; BC and infinity are parsed.
        const bc = data[end - 3] === 0x20 && data[end - 2] === 0x42 && data[end - 1] === 0x43;
        if (end - at < 19 || data[at + 10] !== 0x20 || bc) return -1;
        out[textAt + 10] = 0x54; // T
        const sign = data[end - 3];
        if (kind === Kind.Timestamptz && (sign === 0x2b || sign === 0x2d)) {
          out[p++] = 0x3a; // :
          out[p++] = 0x30;
          out[p++] = 0x30;
        }
        out[p] = QUOTE;
        return p + 1;
      }
      case Kind.Float: {
        if (isPlainFloat(data, at, end)) return p;
        // Integers as their digits; other doubles in Java's plain range as JS prints them (the converter's rule).
        const value = Number(data.toString('latin1', at, end));
        const abs = Math.abs(value);
        if (Number.isSafeInteger(value) || (abs >= 1e-3 && abs < 1e7 && !Number.isInteger(value))) {
          return valueAt + out.write(String(value), valueAt, 'latin1');
        }
        return -1;
      }
      default:
        return -1;
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

  /** A field as the row path reads it, written by the converter at `p`, with room after it for `rest` bytes. */
  private writeParsed(c: number, data: Buffer, at: number, end: number, plain: boolean, rest: number): void {
    const bytes = this.fallback.fromConnectData('', null, this.parseField(c, data, at, end, plain)) ?? NULL;
    this.ensure(bytes.length + rest);
    this.out.set(bytes, this.p);
    this.p += bytes.length;
  }
}
