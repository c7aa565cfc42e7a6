/**
 * Heartbeat (key 12), versions 0–4; flexible from 4.
 *
 *   Heartbeat Request => group_id:string generation_id:int32 member_id:string group_instance_id:nullable_string (v3+)
 *   Heartbeat Response => throttle_time_ms:int32 (v1+) error_code:int16
 *
 * REBALANCE_IN_PROGRESS in the response tells a member to rejoin.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'HeartbeatRequest',
  apiKey: 12,
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0+' },
    { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
  ],
} as const;

const response = {
  name: 'HeartbeatResponse',
  apiKey: 12,
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
  ],
} as const;

export const Heartbeat = { apiKey: 12, name: 'Heartbeat', request, response } as const satisfies ApiSpec;
export type HeartbeatRequest = MessageOf<typeof request>;
export type HeartbeatResponse = MessageOf<typeof response>;
