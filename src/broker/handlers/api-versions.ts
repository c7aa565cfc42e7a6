import { ApiKey } from '../protocol/api-keys.js';
import { codecFor } from '../protocol/codec.js';
import { APIS, ApiVersions } from '../protocol/messages/index.js';
import { parseVersions } from '../protocol/schema.js';
import type { Writer } from '../protocol/writer.js';
import { handler } from './handler.js';

/**
 * Every API and version range the broker serves, as Apache Kafka 3.9 lists them: what it declares is what it
 * answers, but for Produce v0–2 and Fetch v0–3, which carry the message formats before RecordBatch v2. librdkafka
 * enables gzip, snappy and lz4 only when it sees Produce v0 listed, and sends everything uncompressed otherwise;
 * Kafka 4.0 lists the old versions again for that reason (KAFKA-18659) and refuses them when they are used. Here a
 * request at one of them gets UNSUPPORTED_VERSION on every partition. Clients pick the highest version both sides
 * speak, so none sends them. SaslHandshake and SaslAuthenticate are listed only by a broker that asks for SASL, so
 * a client never offers credentials to a broker that would not check them.
 */
export function supportedVersions(
  sasl = false,
): { apiKey: number; minVersion: number; maxVersion: number }[] {
  return [...APIS.values()]
    .filter((api) => sasl || (api.apiKey !== ApiKey.SaslHandshake && api.apiKey !== ApiKey.SaslAuthenticate))
    .map((api) => {
      const { min, max } = parseVersions(api.request.validVersions);
      return { apiKey: api.apiKey, minVersion: min, maxVersion: max };
    })
    .sort((a, b) => a.apiKey - b.apiKey);
}

export const apiVersions = handler(ApiVersions, async (ctx) => ({
  errorCode: 0,
  apiKeys: supportedVersions(ctx.saslUsers !== null),
}));

/**
 * The answer to an ApiVersions request at a version the broker does not know: a v0 body with UNSUPPORTED_VERSION
 * and the supported list, so that the client (librdkafka sends v3 first) can pick a version and retry.
 */
export function writeUnsupportedApiVersions(w: Writer, sasl: boolean): void {
  codecFor(ApiVersions.response, 0).encode(w, { errorCode: 35, apiKeys: supportedVersions(sasl) });
}
