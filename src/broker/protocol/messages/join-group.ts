/**
 * JoinGroup (key 11), versions 0–9; flexible from 6.
 *
 *   JoinGroup Request => group_id:string session_timeout_ms:int32 rebalance_timeout_ms:int32 (v1+) member_id:string
 *                        group_instance_id:nullable_string (v5+) protocol_type:string
 *                        [protocols => name:string metadata:bytes] reason:nullable_string (v8+)
 *   JoinGroup Response => throttle_time_ms:int32 (v2+) error_code:int16 generation_id:int32
 *                         protocol_type:nullable_string (v7+) protocol_name:string (nullable v7+) leader:string
 *                         skip_assignment:bool (v9+) member_id:string
 *                         [members => member_id:string group_instance_id:nullable_string (v5+) metadata:bytes]
 *
 * Before v1 the rebalance timeout is the session timeout. From v4 a first join without a member id is answered
 * with MEMBER_ID_REQUIRED and the id to use.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'JoinGroupRequest',
  apiKey: 11,
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'sessionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'rebalanceTimeoutMs', type: 'int32', versions: '1+', default: -1 },
    { name: 'memberId', type: 'string', versions: '0+' },
    { name: 'groupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    { name: 'protocolType', type: 'string', versions: '0+' },
    {
      name: 'protocols',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'metadata', type: 'bytes', versions: '0+' },
      ],
    },
    { name: 'reason', type: 'string', versions: '8+', nullableVersions: '8+', default: null },
  ],
} as const;

const response = {
  name: 'JoinGroupResponse',
  apiKey: 11,
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '0+', default: -1 },
    { name: 'protocolType', type: 'string', versions: '7+', nullableVersions: '7+', default: null },
    { name: 'protocolName', type: 'string', versions: '0+', nullableVersions: '7+' },
    { name: 'leader', type: 'string', versions: '0+' },
    { name: 'skipAssignment', type: 'bool', versions: '9+' },
    { name: 'memberId', type: 'string', versions: '0+' },
    {
      name: 'members',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'memberId', type: 'string', versions: '0+' },
        { name: 'groupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
        { name: 'metadata', type: 'bytes', versions: '0+' },
      ],
    },
  ],
} as const;

export const JoinGroup = { apiKey: 11, name: 'JoinGroup', request, response } as const satisfies ApiSpec;
export type JoinGroupRequest = MessageOf<typeof request>;
export type JoinGroupResponse = MessageOf<typeof response>;
