/**
 * FindCoordinator (key 10), versions 0–3; flexible from 3.
 *
 *   FindCoordinator Request => key:string key_type:int8 (v1+)
 *   FindCoordinator Response => throttle_time_ms:int32 (v1+) error_code:int16 error_message:nullable_string (v1+)
 *                               node_id:int32 host:string port:int32
 *
 * key_type 0 is a consumer group, 1 a transactional id. On one node the coordinator is always node 0.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'FindCoordinatorRequest',
  apiKey: 10,
  validVersions: '0-3',
  flexibleVersions: '3+',
  fields: [
    { name: 'key', type: 'string', versions: '0+' },
    { name: 'keyType', type: 'int8', versions: '1+' },
  ],
} as const;

const response = {
  name: 'FindCoordinatorResponse',
  apiKey: 10,
  validVersions: '0-3',
  flexibleVersions: '3+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '1+', nullableVersions: '1+', default: null },
    { name: 'nodeId', type: 'int32', versions: '0+' },
    { name: 'host', type: 'string', versions: '0+' },
    { name: 'port', type: 'int32', versions: '0+' },
  ],
} as const;

export const FindCoordinator = {
  apiKey: 10,
  name: 'FindCoordinator',
  request,
  response,
} as const satisfies ApiSpec;
export type FindCoordinatorRequest = MessageOf<typeof request>;
export type FindCoordinatorResponse = MessageOf<typeof response>;
