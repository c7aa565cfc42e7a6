/**
 * FindCoordinator (key 10), versions 0–5; flexible from 3.
 *
 *   FindCoordinator Request => key:string (v0–3) key_type:int8 (v1+) [coordinator_keys:string] (v4+)
 *   FindCoordinator Response => throttle_time_ms:int32 (v1+) error_code:int16 (v0–3)
 *                               error_message:nullable_string (v1–3) node_id:int32 (v0–3) host:string (v0–3)
 *                               port:int32 (v0–3)
 *                               [coordinators => key:string node_id:int32 host:string port:int32 error_code:int16
 *                                 error_message:nullable_string] (v4+)
 *
 * From v4 one request looks up several keys (KIP-699); v5 only adds an error code. key_type 0 is a consumer
 * group, 1 a transactional id. On one node the coordinator is always this node.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'FindCoordinatorRequest',
  apiKey: 10,
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'key', type: 'string', versions: '0-3' },
    { name: 'keyType', type: 'int8', versions: '1+' },
    { name: 'coordinatorKeys', type: 'string[]', versions: '4+' },
  ],
} as const;

const response = {
  name: 'FindCoordinatorResponse',
  apiKey: 10,
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0-3' },
    { name: 'errorMessage', type: 'string', versions: '1-3', nullableVersions: '1-3', default: null },
    { name: 'nodeId', type: 'int32', versions: '0-3' },
    { name: 'host', type: 'string', versions: '0-3' },
    { name: 'port', type: 'int32', versions: '0-3' },
    {
      name: 'coordinators',
      type: 'struct[]',
      versions: '4+',
      fields: [
        { name: 'key', type: 'string', versions: '4+' },
        { name: 'nodeId', type: 'int32', versions: '4+' },
        { name: 'host', type: 'string', versions: '4+' },
        { name: 'port', type: 'int32', versions: '4+' },
        { name: 'errorCode', type: 'int16', versions: '4+' },
        { name: 'errorMessage', type: 'string', versions: '4+', nullableVersions: '4+', default: null },
      ],
    },
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
