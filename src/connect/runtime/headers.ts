import type { Header } from '../../client/index.js';
import { asText } from '../converters/index.js';
import type { ConnectHeader } from '../data/connect-record.js';
import { Schemas } from '../data/schema.js';

/**
 * Header values on the wire, like Kafka's SimpleHeaderConverter for the common cases: bytes as they are, everything
 * else as its text (strings as they are, structs and maps as JSON). On the way in, values are read as UTF-8 strings.
 */
export function headersToBytes(headers: ConnectHeader[] | undefined): Header[] | undefined {
  if (!headers || headers.length === 0) return undefined;
  return headers.map((h) => ({
    key: h.key,
    value:
      h.value === null || h.value === undefined
        ? null
        : Buffer.isBuffer(h.value)
          ? h.value
          : Buffer.from(asText(h.value), 'utf8'),
  }));
}

export function headersFromBytes(headers: Header[]): ConnectHeader[] {
  return headers.map((h) => ({
    key: h.key,
    value: h.value === null ? null : h.value.toString('utf8'),
    schema: Schemas.OPTIONAL_STRING,
  }));
}
