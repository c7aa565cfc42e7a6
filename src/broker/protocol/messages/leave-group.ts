/**
 * LeaveGroup (key 13), versions 0–5; flexible from 4.
 *
 *   LeaveGroup Request => group_id:string member_id:string (v0–2)
 *                         [members => member_id:string group_instance_id:nullable_string
 *                           reason:nullable_string (v5+)] (v3+)
 *   LeaveGroup Response => throttle_time_ms:int32 (v1+) error_code:int16
 *                          [members => member_id:string group_instance_id:nullable_string error_code:int16] (v3+)
 *
 * From v3 one request may remove several members (batch leave, KIP-345).
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'LeaveGroupRequest',
  apiKey: 13,
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0-2' },
    {
      name: 'members',
      type: 'struct[]',
      versions: '3+',
      fields: [
        { name: 'memberId', type: 'string', versions: '3+' },
        { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
        { name: 'reason', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
      ],
    },
  ],
} as const;

const response = {
  name: 'LeaveGroupResponse',
  apiKey: 13,
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'members',
      type: 'struct[]',
      versions: '3+',
      fields: [
        { name: 'memberId', type: 'string', versions: '3+' },
        { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
        { name: 'errorCode', type: 'int16', versions: '3+' },
      ],
    },
  ],
} as const;

export const LeaveGroup = { apiKey: 13, name: 'LeaveGroup', request, response } as const satisfies ApiSpec;
export type LeaveGroupRequest = MessageOf<typeof request>;
export type LeaveGroupResponse = MessageOf<typeof response>;
