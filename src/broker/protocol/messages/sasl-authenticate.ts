/**
 * SaslAuthenticate (key 36), versions 0–2; flexible from 2.
 *
 *   SaslAuthenticate Request => auth_bytes:bytes
 *   SaslAuthenticate Response => error_code:int16 error_message:nullable_string auth_bytes:bytes
 *                                session_lifetime_ms:int64 (v1+)
 *
 * One SASL token each way. SASL_AUTHENTICATION_FAILED (58) ends the exchange; the broker closes the connection
 * after answering it. A session lifetime of 0 means the session never needs re-authentication.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'SaslAuthenticateRequest',
  apiKey: 36,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [{ name: 'authBytes', type: 'bytes', versions: '0+' }],
} as const;

const response = {
  name: 'SaslAuthenticateResponse',
  apiKey: 36,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'authBytes', type: 'bytes', versions: '0+' },
    { name: 'sessionLifetimeMs', type: 'int64', versions: '1+', default: 0 },
  ],
} as const;

export const SaslAuthenticate = {
  apiKey: 36,
  name: 'SaslAuthenticate',
  request,
  response,
} as const satisfies ApiSpec;
export type SaslAuthenticateRequest = MessageOf<typeof request>;
export type SaslAuthenticateResponse = MessageOf<typeof response>;
