/**
 * SyncGroup (key 14), versions 0–5; flexible from 4.
 *
 *   SyncGroup Request => group_id:string generation_id:int32 member_id:string group_instance_id:nullable_string (v3+)
 *                        protocol_type:nullable_string (v5+) protocol_name:nullable_string (v5+)
 *                        [assignments => member_id:string assignment:bytes]
 *   SyncGroup Response => throttle_time_ms:int32 (v1+) error_code:int16 protocol_type:nullable_string (v5+)
 *                         protocol_name:nullable_string (v5+) assignment:bytes
 *
 * Only the leader sends assignments; every member gets its own back.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'SyncGroupRequest',
  apiKey: 14,
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0+' },
    { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    { name: 'protocolType', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    { name: 'protocolName', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    {
      name: 'assignments',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'memberId', type: 'string', versions: '0+' },
        { name: 'assignment', type: 'bytes', versions: '0+' },
      ],
    },
  ],
} as const;

const response = {
  name: 'SyncGroupResponse',
  apiKey: 14,
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'protocolType', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    { name: 'protocolName', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    { name: 'assignment', type: 'bytes', versions: '0+' },
  ],
} as const;

export const SyncGroup = { apiKey: 14, name: 'SyncGroup', request, response } as const satisfies ApiSpec;
export type SyncGroupRequest = MessageOf<typeof request>;
export type SyncGroupResponse = MessageOf<typeof response>;
