import { DataError } from '../errors.js';

/**
 * Java `SimpleDateFormat` patterns, in UTC as Kafka's TimestampConverter and TimestampRouter use them:
 * `y` year, `M` month (`MMM` name), `d` day, `H` hour 0-23, `h` hour 1-12, `a` AM/PM, `m` minute, `s` second,
 * `S` millisecond, `E` day name, `D` day of year, `Z`/`X`/`z` zone, `'text'` literal, `''` a quote.
 */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

type Token = { letter: string; count: number } | { literal: string };

const cache = new Map<string, Token[]>();

function tokenize(pattern: string): Token[] {
  const cached = cache.get(pattern);
  if (cached) return cached;
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === "'") {
      if (pattern[i + 1] === "'") {
        tokens.push({ literal: "'" });
        i += 2;
        continue;
      }
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) throw new DataError(`unterminated quote in date format "${pattern}"`);
      tokens.push({ literal: pattern.slice(i + 1, end) });
      i = end + 1;
    } else if (/[a-zA-Z]/.test(ch)) {
      let j = i;
      while (pattern[j] === ch) j++;
      if (!'yMdHhamsSEDZXzu'.includes(ch))
        throw new DataError(`unsupported letter "${ch}" in date format "${pattern}"`);
      tokens.push({ letter: ch, count: j - i });
      i = j;
    } else {
      tokens.push({ literal: ch });
      i++;
    }
  }
  cache.set(pattern, tokens);
  return tokens;
}

/** Checks a pattern without formatting anything (for config validation). */
export function checkDateFormat(pattern: string): void {
  tokenize(pattern);
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function formatDate(date: Date, pattern: string): string {
  let out = '';
  for (const t of tokenize(pattern)) {
    if ('literal' in t) {
      out += t.literal;
      continue;
    }
    const n = t.count;
    switch (t.letter) {
      case 'y':
        out += n === 2 ? pad(date.getUTCFullYear() % 100, 2) : pad(date.getUTCFullYear(), n);
        break;
      case 'M':
        out +=
          n >= 4
            ? MONTHS[date.getUTCMonth()]
            : n === 3
              ? MONTHS[date.getUTCMonth()]!.slice(0, 3)
              : pad(date.getUTCMonth() + 1, n);
        break;
      case 'd':
        out += pad(date.getUTCDate(), n);
        break;
      case 'H':
        out += pad(date.getUTCHours(), n);
        break;
      case 'h':
        out += pad(date.getUTCHours() % 12 || 12, n);
        break;
      case 'a':
        out += date.getUTCHours() < 12 ? 'AM' : 'PM';
        break;
      case 'm':
        out += pad(date.getUTCMinutes(), n);
        break;
      case 's':
        out += pad(date.getUTCSeconds(), n);
        break;
      case 'S':
        out += pad(date.getUTCMilliseconds(), n);
        break;
      case 'E':
        out += n >= 4 ? DAYS[date.getUTCDay()] : DAYS[date.getUTCDay()]!.slice(0, 3);
        break;
      case 'u':
        out += String(date.getUTCDay() || 7);
        break;
      case 'D': {
        const start = Date.UTC(date.getUTCFullYear(), 0, 1);
        out += pad(Math.floor((date.getTime() - start) / 86_400_000) + 1, n);
        break;
      }
      case 'Z':
        out += '+0000';
        break;
      case 'X':
        out += 'Z';
        break;
      case 'z':
        out += 'UTC';
        break;
    }
  }
  return out;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Parses `text` with `pattern` (UTC unless the text carries a zone); throws DataError when it does not match. */
export function parseDate(text: string, pattern: string): Date {
  const tokens = tokenize(pattern);
  const parts: { letter: string; count: number }[] = [];
  let regex = '^';
  for (const t of tokens) {
    if ('literal' in t) {
      regex += escapeRegex(t.literal);
      continue;
    }
    parts.push(t);
    if (t.letter === 'M' && t.count >= 3) regex += '([A-Za-z]+)';
    else if (t.letter === 'E' || t.letter === 'a' || t.letter === 'z') regex += '([A-Za-z]+)';
    else if (t.letter === 'Z' || t.letter === 'X') regex += '(Z|[+-]\\d{2}(?::?\\d{2})?)';
    else regex += t.count > 1 && t.letter !== 'y' ? `(\\d{${t.count}})` : '([-+]?\\d+)';
  }
  const m = new RegExp(`${regex}$`).exec(text.trim());
  if (!m) throw new DataError(`could not parse "${text}" with date format "${pattern}"`);
  let year = 1970;
  let month = 0;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let ms = 0;
  let pm: boolean | undefined;
  let offsetMinutes = 0;
  parts.forEach((p, i) => {
    const s = m[i + 1]!;
    const v = Number(s);
    switch (p.letter) {
      case 'y':
        year = p.count === 2 ? 2000 + v : v;
        break;
      case 'M':
        month =
          p.count >= 3 ? MONTHS.findIndex((name) => name.toLowerCase().startsWith(s.toLowerCase())) : v - 1;
        break;
      case 'd':
        day = v;
        break;
      case 'H':
      case 'h':
        hour = v;
        break;
      case 'a':
        pm = s.toUpperCase() === 'PM';
        break;
      case 'm':
        minute = v;
        break;
      case 's':
        second = v;
        break;
      case 'S':
        ms = v;
        break;
      case 'Z':
      case 'X':
        if (s !== 'Z') {
          const zone = /^([+-])(\d{2}):?(\d{2})?$/.exec(s)!;
          offsetMinutes = (zone[1] === '-' ? -1 : 1) * (Number(zone[2]) * 60 + Number(zone[3] ?? 0));
        }
        break;
    }
  });
  if (pm !== undefined) hour = (hour % 12) + (pm ? 12 : 0);
  if (month < 0) throw new DataError(`could not parse the month in "${text}" with date format "${pattern}"`);
  return new Date(Date.UTC(year, month, day, hour, minute, second, ms) - offsetMinutes * 60_000);
}
