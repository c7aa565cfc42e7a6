/**
 * A typed row's value written as the JSON converter's bytes for it, for the parsing thread: the value of a row is a
 * struct of the file's fields (see `schemaOf`), which the converter writes as `{"name":value,...}` in field order,
 * and each field type has one spelling there:
 *
 *   string, decimal   a JSON string, as the converter quotes it
 *   int, long         the integer's digits (the cell was checked to fit)
 *   double, float     Java's Double.toString / Float.toString; NaN and the infinities as strings ("NaN")
 *   boolean           true or false
 *   date              Connect's Date: days since the epoch
 *   timestamp         Connect's Timestamp: milliseconds since the epoch
 *   null              null (only a nullable field, an optional schema, holds one)
 *
 * It writes with the converter's own byte writer (imported as a module of its own: the Connect runtime's index
 * would load its whole graph into every parsing thread, some 16 MB and 100 ms), so both agree byte for byte; a test
 * checks them against the converter over generated rows.
 */
import { javaDouble, quote } from '../../src/connect/converters/java-json.js';
import {
  bytesNeeded,
  FULL,
  forgetLongString,
  writeBoolean,
  writeBytes,
  writeDouble,
  writeLong,
  writeNull,
  writeString,
  writeText,
} from '../../src/connect/converters/json-writer.js';
import type { CellValue, FieldSpec, FieldType } from './field-types.js';

const MS_PER_DAY = 86_400_000;
const CLOSE = Uint8Array.of(0x7d); // }

enum Kind {
  Text,
  Integer,
  Double,
  Float,
  Boolean,
  Date,
  Timestamp,
}

const KINDS: Record<FieldType, Kind> = {
  string: Kind.Text,
  decimal: Kind.Text,
  int: Kind.Integer,
  long: Kind.Integer,
  double: Kind.Double,
  float: Kind.Float,
  boolean: Kind.Boolean,
  date: Kind.Date,
  timestamp: Kind.Timestamp,
};

/** Appends rows' JSON to one buffer, handed out (and replaced) per batch. */
export class RowJsonWriter {
  private readonly kinds: Kind[];
  /** `{"name":` for the first field, `,"name":` for the others, as UTF-8. */
  private readonly prefixes: Uint8Array[];
  private buffer: Buffer;
  private used = 0;

  constructor(
    fields: readonly FieldSpec[],
    private readonly initialBytes = 256 * 1024,
  ) {
    this.kinds = fields.map((f) => KINDS[f.type]);
    this.prefixes = prefixesOf(fields);
    this.buffer = Buffer.allocUnsafeSlow(initialBytes);
  }

  /** Appends the JSON of a row of converted values (in field order, as `convertCells` makes them); its length. */
  write(values: readonly CellValue[]): number {
    const start = this.used;
    let p = this.writeRow(this.buffer, start, values);
    while (p === FULL) {
      const grown = Buffer.allocUnsafeSlow(Math.max(2 * this.buffer.length, start + 2 * bytesNeeded(start)));
      this.buffer.copy(grown, 0, 0, start);
      this.buffer = grown;
      p = this.writeRow(grown, start, values);
    }
    forgetLongString();
    this.used = p;
    return p - start;
  }

  /** The rows written since the last call, back to back; the writer goes on in a buffer of its own. */
  take(): Uint8Array {
    const out = new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.used);
    // Sized for a batch like the last one, so that a batch of long rows does not grow its buffer again and again.
    this.buffer = Buffer.allocUnsafeSlow(Math.max(this.initialBytes, this.used + (this.used >> 2)));
    this.used = 0;
    return out;
  }

  private writeRow(b: Buffer, p: number, values: readonly CellValue[]): number {
    const kinds = this.kinds;
    for (let i = 0; i < kinds.length && p !== FULL; i++) {
      p = writeBytes(b, p, this.prefixes[i]!);
      if (p === FULL) break;
      p = writeKind(b, p, kinds[i]!, values[i] ?? null);
    }
    if (p === FULL) return FULL;
    // A file of no columns has the value {}.
    if (kinds.length === 0) p = writeBytes(b, p, Uint8Array.of(0x7b));
    return p === FULL ? FULL : writeBytes(b, p, CLOSE);
  }
}

/** `{"name":` for the first field, `,"name":` for the others, as UTF-8: what precedes each field's value. */
export function prefixesOf(fields: readonly FieldSpec[]): Uint8Array[] {
  return fields.map((f, i) => Buffer.from(`${i === 0 ? '{' : ','}${quote(f.name)}:`, 'utf8'));
}

/** Writes one typed value of a field of this type, as {@link RowJsonWriter} does; FULL when it does not fit. */
export function writeCell(b: Buffer, p: number, type: FieldType, v: CellValue): number {
  return writeKind(b, p, KINDS[type], v);
}

function writeKind(b: Buffer, p: number, kind: Kind, v: CellValue): number {
  if (v === null) return writeNull(b, p);
  switch (kind) {
    case Kind.Text:
      return writeString(b, p, v as string);
    case Kind.Integer:
      return writeLong(b, p, v as number);
    case Kind.Double:
      return Number.isFinite(v)
        ? writeDouble(b, p, v as number)
        : writeText(b, p, quote(javaDouble(v as number)));
    case Kind.Float: {
      const text = javaDouble(v as number, true);
      return writeText(b, p, Number.isFinite(v) ? text : quote(text));
    }
    case Kind.Boolean:
      return writeBoolean(b, p, v as boolean);
    case Kind.Date:
      return writeLong(b, p, Math.floor((v as Date).getTime() / MS_PER_DAY));
    case Kind.Timestamp:
      return writeLong(b, p, (v as Date).getTime());
  }
}
