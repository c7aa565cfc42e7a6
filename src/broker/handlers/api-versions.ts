import { ApiKey } from '../protocol/api-keys.js';
import { codecFor } from '../protocol/codec.js';
import { APIS, ApiVersions } from '../protocol/messages/index.js';
import { parseVersions } from '../protocol/schema.js';
import type { Writer } from '../protocol/writer.js';
import { handler } from './handler.js';

/**
 * Every API and version range the broker serves: what it declares is what it answers, but for Produce, listed from
 * v0 though only v3+ (RecordBatch v2) is served. librdkafka enables gzip, snappy and lz4 only when it sees Produce
 * v0 listed, and sends everything uncompressed otherwise; Kafka 4.0 lists v0-v2 again for that reason
 * (KAFKA-18659) and refuses them when they are used. Clients pick the highest version both sides speak, so no
 * client sends them; one that does has its connection closed, as for any version the broker does not serve.
 */
export function supportedVersions(): { apiKey: number; minVersion: number; maxVersion: number }[] {
  return [...APIS.values()]
    .map((api) => {
      const { min, max } = parseVersions(api.request.validVersions);
      return { apiKey: api.apiKey, minVersion: api.apiKey === ApiKey.Produce ? 0 : min, maxVersion: max };
    })
    .sort((a, b) => a.apiKey - b.apiKey);
}

export const apiVersions = handler(ApiVersions, async () => ({ errorCode: 0, apiKeys: supportedVersions() }));

/**
 * The answer to an ApiVersions request at a version the broker does not know: a v0 body with UNSUPPORTED_VERSION
 * and the supported list, so that the client (librdkafka sends v3 first) can pick a version and retry.
 */
export function writeUnsupportedApiVersions(w: Writer): void {
  codecFor(ApiVersions.response, 0).encode(w, { errorCode: 35, apiKeys: supportedVersions() });
}
