/**
 * JSON.parse for the shape most records have, one flat object of strings, numbers, booleans and nulls, without
 * V8's cost for it: JSON.parse internalizes every string value of up to 10 characters (looked up in the string
 * table and allocated in old space), so a stream of records holding short unique values (ids, codes, amounts
 * as text) spends most of its parse there and leaves garbage only a full GC collects. Here short values are
 * ordinary young strings, and the keys of the previous object are matched in place instead of being sliced and
 * looked up again.
 *
 * Anything else gives undefined and is left to JSON.parse: nested objects or arrays, a backslash escape or a
 * control character in a string, a `__proto__` key (which JSON.parse makes an own property), numbers a double
 * does not hold exactly as integers (beyond 2^53), and every text JSON.parse would reject. What it does return
 * equals JSON.parse's result, key order included.
 */

const enum Char {
  Tab = 0x09,
  LineFeed = 0x0a,
  CarriageReturn = 0x0d,
  Space = 0x20,
  Quote = 0x22, // "
  Plus = 0x2b,
  Comma = 0x2c,
  Minus = 0x2d,
  Dot = 0x2e,
  Zero = 0x30,
  Nine = 0x39,
  Colon = 0x3a,
  UpperE = 0x45,
  Backslash = 0x5c,
  LowerE = 0x65,
  LowerF = 0x66,
  LowerN = 0x6e,
  LowerT = 0x74,
  OpenBrace = 0x7b, // {
  CloseBrace = 0x7d, // }
}

/** The keys of the last object parsed, by position: records of a topic mostly repeat them. */
const lastKeys: string[] = [];
/** Keys kept past this position would only hold on to the keys of one unusually wide object. */
const MAX_KEPT_KEYS = 256;

/**
 * The index of the first character from `i` on that is not whitespace. Callers check the character at `i` first
 * (`<= Char.Space`): records rarely hold whitespace, and the call would cost more than the check.
 */
function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== Char.Space && c !== Char.Tab && c !== Char.LineFeed && c !== Char.CarriageReturn) return i;
    i++;
  }
}

/** A backslash or a control character: in a string, an escape or an error; between tokens, whitespace. */
const ESCAPE_OR_CONTROL = /[\\\x00-\x1f]/;

/**
 * The index of the quote closing the string opened at `open`, or -1 if it has an escape or ends first. In `plain`
 * text (no backslash or control character anywhere) that is simply the next quote, which indexOf finds faster.
 */
function stringEnd(text: string, open: number, plain: boolean): number {
  if (plain) return text.indexOf('"', open + 1);
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === Char.Quote) return i;
    if (c === Char.Backslash || c < Char.Space) return -1;
  }
  return -1;
}

function digitsEnd(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    // Past the end, charCodeAt gives NaN, which is no digit either.
    if (!(c >= Char.Zero && c <= Char.Nine)) return i;
    i++;
  }
}

/** The end of the number starting at `start` per JSON's grammar, or -1 where it breaks it. */
function numberEnd(text: string, start: number): number {
  let i = start;
  if (text.charCodeAt(i) === Char.Minus) i++;
  const first = text.charCodeAt(i);
  if (first === Char.Zero) i++;
  else if (first > Char.Zero && first <= Char.Nine) i = digitsEnd(text, i + 1);
  else return -1;
  if (text.charCodeAt(i) === Char.Dot) {
    const end = digitsEnd(text, i + 1);
    if (end === i + 1) return -1;
    i = end;
  }
  const e = text.charCodeAt(i);
  if (e === Char.LowerE || e === Char.UpperE) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === Char.Plus || sign === Char.Minus) i++;
    const end = digitsEnd(text, i);
    if (end === i) return -1;
    i = end;
  }
  return i;
}

/** One flat JSON object's value, or undefined when `text` is not one (see the file's header). */
export function parseFlatJson(text: string): Record<string, unknown> | undefined {
  const plain = !ESCAPE_OR_CONTROL.test(text);
  let i = text.charCodeAt(0) <= Char.Space ? skipSpace(text, 0) : 0;
  if (text.charCodeAt(i) !== Char.OpenBrace) return undefined;
  const obj: Record<string, unknown> = {};
  i += 1;
  if (text.charCodeAt(i) <= Char.Space) i = skipSpace(text, i);
  if (text.charCodeAt(i) === Char.CloseBrace) return skipSpace(text, i + 1) === text.length ? obj : undefined;
  for (let k = 0; ; k++) {
    if (text.charCodeAt(i) !== Char.Quote) return undefined;
    let key = lastKeys[k];
    let keyEnd: number;
    if (
      key !== undefined &&
      text.charCodeAt(i + 1 + key.length) === Char.Quote &&
      text.startsWith(key, i + 1)
    ) {
      keyEnd = i + 1 + key.length;
    } else {
      keyEnd = stringEnd(text, i, plain);
      if (keyEnd < 0) return undefined;
      key = text.slice(i + 1, keyEnd);
      if (key === '__proto__') return undefined;
      if (k < MAX_KEPT_KEYS) lastKeys[k] = key;
    }
    i = keyEnd + 1;
    if (text.charCodeAt(i) <= Char.Space) i = skipSpace(text, i);
    if (text.charCodeAt(i) !== Char.Colon) return undefined;
    i += 1;
    if (text.charCodeAt(i) <= Char.Space) i = skipSpace(text, i);
    const c = text.charCodeAt(i);
    if (c === Char.Quote) {
      const end = stringEnd(text, i, plain);
      if (end < 0) return undefined;
      obj[key] = text.slice(i + 1, end);
      i = end + 1;
    } else if (c === Char.LowerT && text.startsWith('true', i)) {
      obj[key] = true;
      i += 4;
    } else if (c === Char.LowerF && text.startsWith('false', i)) {
      obj[key] = false;
      i += 5;
    } else if (c === Char.LowerN && text.startsWith('null', i)) {
      obj[key] = null;
      i += 4;
    } else {
      const end = numberEnd(text, i);
      if (end < 0) return undefined;
      const n = Number(text.slice(i, end));
      // Beyond 2^53 an integer may have lost digits: the caller parses those exactly.
      if (!(Math.abs(n) <= Number.MAX_SAFE_INTEGER)) return undefined;
      obj[key] = n;
      i = end;
    }
    if (text.charCodeAt(i) <= Char.Space) i = skipSpace(text, i);
    const next = text.charCodeAt(i);
    if (next === Char.Comma) {
      i += 1;
      if (text.charCodeAt(i) <= Char.Space) i = skipSpace(text, i);
      continue;
    }
    if (next === Char.CloseBrace && skipSpace(text, i + 1) === text.length) return obj;
    return undefined;
  }
}
