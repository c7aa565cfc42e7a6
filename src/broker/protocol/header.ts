/**
 * Request and response headers.
 *
 *   RequestHeader v1 => request_api_key:int16 request_api_version:int16 correlation_id:int32 client_id:nullable_string
 *   RequestHeader v2 => v1 + _tagged_fields     (client_id stays an int16-length string even here)
 *   ResponseHeader v0 => correlation_id:int32
 *   ResponseHeader v1 => v0 + _tagged_fields
 *
 * A request uses header v2 when its API version is flexible, else v1. A response uses v1 when flexible, else v0 —
 * except ApiVersions responses, which always use v0 so that a client can read the answer before it knows which
 * versions the broker speaks.
 */
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Reads the fixed part of a request header (v1), common to every version. */
export function readRequestHeader(r: Reader): RequestHeader {
  return { apiKey: r.int16(), apiVersion: r.int16(), correlationId: r.int32(), clientId: r.nullableString() };
}

/** Skips the tagged fields ending a v2 request header. */
export function skipHeaderTags(r: Reader): void {
  let count = r.uvarint();
  while (count-- > 0) {
    r.uvarint();
    r.raw(r.uvarint(), 'header tagged field');
  }
}

export function writeRequestHeader(w: Writer, header: RequestHeader, flexible: boolean): void {
  w.int16(header.apiKey).int16(header.apiVersion).int32(header.correlationId).string(header.clientId);
  if (flexible) w.uvarint(0);
}

export function writeResponseHeader(w: Writer, correlationId: number, headerVersion: 0 | 1): void {
  w.int32(correlationId);
  if (headerVersion === 1) w.uvarint(0);
}
