/**
 * ApiVersions (key 18), versions 0–4; flexible from 3 (v4 changes nothing on the wire).
 *
 *   ApiVersions Request (v3) => client_software_name:compact_string client_software_version:compact_string _tagged
 *   ApiVersions Response => error_code:int16 [api_keys => api_key:int16 min_version:int16 max_version:int16]
 *                           throttle_time_ms:int32 (v1+)
 *
 * The response always travels with response header v0, and a request at a version the broker does not know is
 * answered with a v0 body carrying UNSUPPORTED_VERSION (35) and the supported list, so the client can retry.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'ApiVersionsRequest',
  apiKey: 18,
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'clientSoftwareName', type: 'string', versions: '3+' },
    { name: 'clientSoftwareVersion', type: 'string', versions: '3+' },
  ],
} as const;

const response = {
  name: 'ApiVersionsResponse',
  apiKey: 18,
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'apiKeys',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'apiKey', type: 'int16', versions: '0+' },
        { name: 'minVersion', type: 'int16', versions: '0+' },
        { name: 'maxVersion', type: 'int16', versions: '0+' },
      ],
    },
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
  ],
} as const;

export const ApiVersions = { apiKey: 18, name: 'ApiVersions', request, response } as const satisfies ApiSpec;
export type ApiVersionsRequest = MessageOf<typeof request>;
export type ApiVersionsResponse = MessageOf<typeof response>;
