/**
 * Byte-level tests and writers for one CSV cell, for the JSON row reader (json-row-reader.ts): each looks at the
 * bytes `b[s, e)` of a cell (or a row) without making a string of them. Written by hand for speed, as that reader is.
 */

const LF = 0x0a;
const CR = 0x0d;

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * The double of a plain decimal `-?digits(.digits)?` of at most 15 digits in all, or NaN for anything else. The
 * digits as an integer and the power of ten are both exact, so their quotient is the correctly rounded value, the
 * same double `Number(text)` gives.
 */
export function plainDouble(b: Uint8Array, s: number, e: number): number {
  let i = s;
  const negative = b[i] === 0x2d;
  if (negative) i++;
  let m = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < e; i++) {
    const c = b[i]!;
    if (c === 0x2e) {
      if (fraction >= 0) return Number.NaN;
      fraction = 0;
      continue;
    }
    const d = c - 0x30;
    if (d < 0 || d > 9) return Number.NaN;
    m = m * 10 + d;
    digits++;
    if (fraction >= 0) fraction++;
  }
  // A digit on each side of a point: `5.` and `.5` take the general path.
  if (digits === 0 || digits > 15 || fraction === 0 || (fraction > 0 && digits === fraction))
    return Number.NaN;
  const v = fraction > 0 ? m / POW10[fraction]! : m;
  return negative ? -v : v;
}

/**
 * A plain decimal of at most 15 digits whose value lies in [1e-3, 1e7) as Java's Double.toString writes it: its
 * digits without leading zeros before the point nor trailing zeros after it, and at least one digit on each side.
 * No two decimals of 15 digits or fewer read as the same double, so these are the shortest digits that read back
 * as it, which is what JS and Java print in that range.
 */
export function plainDecimal(b: Uint8Array, s: number, e: number, out: Buffer, p: number): number {
  let i = s;
  if (b[i] === 0x2d) out[p++] = b[i++]!;
  let point = i;
  while (point < e && b[point] !== 0x2e) point++;
  let first = i;
  while (first < point - 1 && b[first] === 0x30) first++;
  for (let k = first; k < point; k++) out[p++] = b[k]!;
  out[p++] = 0x2e; // .
  let last = e;
  if (point < e) while (last > point + 1 && b[last - 1] === 0x30) last--;
  if (point >= e || last === point + 1) out[p++] = 0x30;
  else for (let k = point + 1; k < last; k++) out[p++] = b[k]!;
  return p;
}

/** True for `-?[1-9][0-9]*` or `0` of at most `max` digits: a long written as `String(n)` would write it. */
export function canonicalInteger(b: Uint8Array, s: number, e: number, max: number): boolean {
  let i = s;
  if (b[i] === 0x2d) i++;
  const n = e - i;
  if (n === 0 || n > max) return false;
  if (b[i] === 0x30) return n === 1 && i === s;
  for (; i < e; i++) {
    const d = b[i]! - 0x30;
    if (d < 0 || d > 9) return false;
  }
  return true;
}

export function isPlainText(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x80) return false;
  }
  return true;
}

export function sameBytes(b: Uint8Array, s: number, e: number, what: Uint8Array): boolean {
  if (e - s !== what.length) return false;
  for (let i = 0; i < what.length; i++) if (b[s + i] !== what[i]) return false;
  return true;
}

export function copy(b: Uint8Array, s: number, e: number, out: Buffer, p: number): number {
  if (e - s > 64) {
    out.set(b.subarray(s, e), p);
    return p + (e - s);
  }
  for (let i = s; i < e; i++) out[p++] = b[i]!;
  return p;
}

/**
 * The line breaks of the bytes of one row and the empty lines before it, as readRows counts them: CRLF, CR and LF
 * each end one line; breaks before any other byte are empty lines before the row.
 */
export function countBreaks(
  b: Uint8Array,
  start: number,
  stop: number,
): { leading: number; breaks: number; endsWithBreak: boolean } {
  let leading = 0;
  let breaks = 0;
  let content = false;
  let endsWithBreak = false;
  let prevCR = false;
  for (let i = start; i < stop; i++) {
    const c = b[i];
    if (c === LF || c === CR) {
      if (c === CR || !prevCR) {
        if (content) breaks++;
        else leading++;
      }
      prevCR = c === CR;
      endsWithBreak = true;
    } else {
      prevCR = false;
      content = true;
      endsWithBreak = false;
    }
  }
  return { leading, breaks, endsWithBreak };
}

export function isTrueOrFalse(b: Uint8Array, s: number, e: number): boolean {
  const n = e - s;
  if (n === 4) return b[s] === 0x74 && b[s + 1] === 0x72 && b[s + 2] === 0x75 && b[s + 3] === 0x65;
  return (
    n === 5 &&
    b[s] === 0x66 &&
    b[s + 1] === 0x61 &&
    b[s + 2] === 0x6c &&
    b[s + 3] === 0x73 &&
    b[s + 4] === 0x65
  );
}
