import type { Header } from '../../client/index.js';
import { asText } from '../converters/index.js';
import { longText } from '../converters/json-writer.js';
import type { ConnectHeader } from '../data/connect-record.js';
import { Schemas } from '../data/schema.js';

/**
 * Header values on the wire, like Kafka's SimpleHeaderConverter for the common cases: bytes as they are, everything
 * else as its text (strings as they are, structs and maps as JSON). On the way in, values are read as UTF-8 strings.
 */
export function headersToBytes(headers: ConnectHeader[] | undefined): Header[] | undefined {
  if (!headers || headers.length === 0) return undefined;
  const out: Header[] = new Array(headers.length);
  for (let i = 0; i < headers.length; i++) out[i] = headerToBytes(headers[i]!);
  return out;
}

/** A string or date header as last encoded, by the header object it came from. */
interface Encoded {
  source: ConnectHeader;
  value: unknown;
  /** The date's time when it was encoded: a Date can change in place. */
  time: number;
  header: Header;
}

/**
 * Tasks often put one header object on many records (a CSV source shares its file name and modified time across
 * every row of a file): such a header is encoded once and its bytes shared, as long as its value is unchanged.
 */
const encoded = new WeakMap<ConnectHeader, Encoded>();
/** The last few found or encoded, looked at before the WeakMap: the shared headers of a record are among them. */
const recent: (Encoded | undefined)[] = [undefined, undefined, undefined, undefined];
let nextRecent = 0;

function remember(e: Encoded): void {
  recent[nextRecent] = e;
  nextRecent = (nextRecent + 1) % recent.length;
}

function cachedFor(h: ConnectHeader): Encoded | undefined {
  for (let i = 0; i < recent.length; i++) {
    const e = recent[i];
    if (e !== undefined && e.source === h) return e;
  }
  const e = encoded.get(h);
  if (e !== undefined) remember(e);
  return e;
}

function headerToBytes(h: ConnectHeader): Header {
  const value = h.value;
  if (value === null || value === undefined) return { key: h.key, value: null };
  if (Buffer.isBuffer(value)) return { key: h.key, value };
  // A number per record (a line number, a sequence): its digits, without a string in between.
  if (typeof value === 'number' && Number.isSafeInteger(value)) return { key: h.key, value: longText(value) };
  if (typeof value !== 'string' && !(value instanceof Date))
    return { key: h.key, value: Buffer.from(asText(value), 'utf8') };
  const time = value instanceof Date ? value.getTime() : 0;
  const cached = cachedFor(h);
  if (cached !== undefined && cached.value === value && cached.time === time && cached.header.key === h.key)
    return cached.header;
  const header = { key: h.key, value: Buffer.from(asText(value), 'utf8') };
  const entry = { source: h, value, time, header };
  encoded.set(h, entry);
  // A stale entry for `h` among the recent ones would be found first: replace it there too.
  const stale = recent.indexOf(cached);
  if (cached !== undefined && stale >= 0) recent[stale] = entry;
  else remember(entry);
  return header;
}

export function headersFromBytes(headers: Header[]): ConnectHeader[] {
  return headers.map((h) => ({
    key: h.key,
    value: h.value === null ? null : h.value.toString('utf8'),
    schema: Schemas.OPTIONAL_STRING,
  }));
}
