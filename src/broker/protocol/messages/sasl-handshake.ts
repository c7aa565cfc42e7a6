/**
 * SaslHandshake (key 17), versions 0–1; never flexible.
 *
 *   SaslHandshake Request => mechanism:string
 *   SaslHandshake Response => error_code:int16 [mechanisms:string]
 *
 * v1 announces that the SASL tokens will follow in SaslAuthenticate requests; after v0 they follow as bare
 * size-prefixed frames. UNSUPPORTED_SASL_MECHANISM (33) lists the mechanisms the broker enables.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'SaslHandshakeRequest',
  apiKey: 17,
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [{ name: 'mechanism', type: 'string', versions: '0+' }],
} as const;

const response = {
  name: 'SaslHandshakeResponse',
  apiKey: 17,
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'mechanisms', type: 'string[]', versions: '0+' },
  ],
} as const;

export const SaslHandshake = {
  apiKey: 17,
  name: 'SaslHandshake',
  request,
  response,
} as const satisfies ApiSpec;
export type SaslHandshakeRequest = MessageOf<typeof request>;
export type SaslHandshakeResponse = MessageOf<typeof response>;
