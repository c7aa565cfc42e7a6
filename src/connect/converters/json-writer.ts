/**
 * Writes JSON text straight into bytes, the same bytes as `Buffer.from(stringify(node))` gives (see java-json.ts)
 * but without building the text first: a record's strings, numbers and booleans are written into a shared slab in
 * one pass, and its bytes are handed out as a view of the slab. A source converts every record it sends, and the
 * intermediate strings (one per field, then the whole text, then its UTF-8 copy) were most of the converter's
 * cost and of the garbage a source made.
 *
 * Each `write*` takes the buffer and a position and returns the position after what it wrote, or {@link FULL}
 * when the buffer has no room left; the caller then writes the whole record again into a fresh slab. Anything
 * uncommon (escapes, non-ASCII text, doubles outside the plain range) goes through java-json.ts's text and is
 * copied in as UTF-8, so both paths agree byte for byte.
 */
import { javaDouble, quote } from './java-json.js';

/** Returned by a write that did not fit. */
export const FULL = -1;

/**
 * A slab holds the bytes of many records; a record's Buffer is a view of it, so the slab lives as long as any of
 * its records. Node's own pool for small Buffers works the same way with 8 KiB.
 */
export const SLAB_BYTES = 8 * 1024;

let slab = Buffer.allocUnsafe(SLAB_BYTES);
let used = 0;
/** Where the last write that did not fit would have ended, in the buffer it was given. */
let neededEnd = 0;

function full(end: number): number {
  neededEnd = end;
  return FULL;
}

/** The slab to write the next record into, from {@link slabStart} on. */
export function currentSlab(): Buffer {
  return slab;
}

export function slabStart(): number {
  return used;
}

/** How many bytes past `start` the record that did not fit needed at least. */
export function bytesNeeded(start: number): number {
  return neededEnd - start;
}

/** The record written from {@link slabStart} to `end`, as a Buffer of its own (a view of the slab). */
export function takeRecord(end: number): Buffer {
  const out = Buffer.from(slab.buffer, slab.byteOffset + used, end - used);
  used = end;
  return out;
}

/** A fresh slab after a record did not fit in the rest of the current one. */
export function nextSlab(): void {
  slab = Buffer.allocUnsafe(SLAB_BYTES);
  used = 0;
}

/** Bytes prepared in advance (a quoted key, punctuation). */
export function writeBytes(b: Buffer, p: number, bytes: Uint8Array): number {
  const n = bytes.length;
  if (p + n > b.length) return full(p + n);
  for (let i = 0; i < n; i++) b[p++] = bytes[i]!;
  return p;
}

/** Text copied in as UTF-8: at most 3 bytes per UTF-16 unit, counted exactly for long text. */
export function writeText(b: Buffer, p: number, text: string): number {
  const n = text.length;
  const end = p + (n <= SHORT_STRING ? 3 * n : Buffer.byteLength(text, 'utf8'));
  if (end > b.length) return full(end);
  return p + b.write(text, p, 'utf8');
}

/** Text known to be ASCII (a number as javaDouble spells it, a literal). */
function writeAscii(b: Buffer, p: number, text: string): number {
  const n = text.length;
  if (p + n > b.length) return full(p + n);
  for (let i = 0; i < n; i++) b[p++] = text.charCodeAt(i);
  return p;
}

/** Strings longer than this go through JSON.stringify, whose native scan beats a loop here. */
const SHORT_STRING = 256;

/** A JSON string as {@link quote} spells it. Printable ASCII, the common case, is copied char by char. */
export function writeString(b: Buffer, p: number, s: string): number {
  const n = s.length;
  if (n <= SHORT_STRING) {
    if (p + n + 2 > b.length) return full(p + n + 2);
    let q = p;
    b[q++] = 0x22; // "
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x80) break;
      b[q++] = c;
    }
    if (i === n) {
      b[q++] = 0x22;
      return q;
    }
  }
  // A long string of a record that did not fit is written again into a larger buffer: it is quoted once.
  if (s !== lastLong) {
    lastLong = s;
    lastQuoted = quote(s);
  }
  return writeText(b, p, lastQuoted);
}

let lastLong = '';
let lastQuoted = '""';

/** Drops the long string kept for a record written again, once that record is done. */
export function forgetLongString(): void {
  lastLong = '';
  lastQuoted = '""';
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16];
const INT32_LIMIT = 2 ** 31;

/** The digits of a non-negative safe integer, at least `minDigits` of them (leading zeros); room is checked. */
function writeDigits(b: Buffer, p: number, value: number, minDigits: number): number {
  let digits = minDigits;
  while (digits < 16 && value >= POW10[digits]!) digits++;
  const end = p + digits;
  let q = end;
  if (value < INT32_LIMIT) {
    let v = value | 0;
    while (q > p) {
      const next = (v / 10) | 0;
      b[--q] = 0x30 + v - next * 10;
      v = next;
    }
  } else {
    // `%` and division by 10 are exact for safe integers.
    let v = value;
    while (q > p) {
      const d = v % 10;
      b[--q] = 0x30 + d;
      v = (v - d) / 10;
    }
  }
  return end;
}

/** A safe integer as `String(value)` spells it. */
export function writeLong(b: Buffer, p: number, value: number): number {
  if (p + 17 > b.length) return full(p + 17);
  if (value < 0) {
    b[p++] = 0x2d; // -
    value = -value;
  }
  return writeDigits(b, p, value, 1);
}

/** A safe integer's digits (as `String(value)` spells them) as a Buffer of their own, a view of the slab. */
export function longText(value: number): Buffer {
  let p = writeLong(slab, used, value);
  if (p === FULL) {
    nextSlab();
    p = writeLong(slab, 0, value);
  }
  return takeRecord(p);
}

/**
 * A finite double as Java's `Double.toString` spells it ({@link javaDouble}). Between 1e-3 and 1e7 a value with
 * at most six decimals is written with integer arithmetic: when r = round(|value|·10^6) gives back the value as
 * r / 10^6, the decimal r·10^-6 (at most 13 significant digits) reads back as the value, and since no two decimals
 * of 15 or fewer significant digits read as the same double, it is, without its trailing zeros, the shortest
 * decimal that does, which is what JS and Java print.
 */
export function writeDouble(b: Buffer, p: number, value: number): number {
  if (p + 26 > b.length) return full(p + 26);
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e7) {
    if (Number.isInteger(value)) {
      p = writeLong(b, p, value);
      b[p++] = 0x2e; // .
      b[p++] = 0x30; // 0
      return p;
    }
    const r = Math.round(abs * 1e6);
    if (r / 1e6 === abs) {
      // r is below 1e13; its fraction is not 0 (the value is not an integer).
      let fraction = r % 1e6;
      const whole = (r - fraction) / 1e6;
      let decimals = 6;
      while (fraction % 10 === 0) {
        fraction /= 10;
        decimals--;
      }
      if (value < 0) b[p++] = 0x2d; // -
      p = writeDigits(b, p, whole, 1);
      b[p++] = 0x2e; // .
      return writeDigits(b, p, fraction, decimals);
    }
    // Not an integer, in the plain range: JS prints what Java does (javaDouble).
    return writeAscii(b, p, String(value));
  }
  return writeAscii(b, p, javaDouble(value));
}

export function writeBoolean(b: Buffer, p: number, value: boolean): number {
  return writeAscii(b, p, value ? 'true' : 'false');
}

export function writeNull(b: Buffer, p: number): number {
  return writeAscii(b, p, 'null');
}
