/**
 * DescribeGroups (key 15), versions 0–5; flexible from 5.
 *
 *   DescribeGroups Request => [groups:string] include_authorized_operations:bool (v3+)
 *   DescribeGroups Response => throttle_time_ms:int32 (v1+)
 *                              [groups => error_code:int16 group_id:string group_state:string protocol_type:string
 *                                protocol_data:string
 *                                [members => member_id:string group_instance_id:nullable_string (v4+) client_id:string
 *                                  client_host:string member_metadata:bytes member_assignment:bytes]
 *                                authorized_operations:int32 (v3+)]
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'DescribeGroupsRequest',
  apiKey: 15,
  validVersions: '0-5',
  flexibleVersions: '5+',
  fields: [
    { name: 'groups', type: 'string[]', versions: '0+' },
    { name: 'includeAuthorizedOperations', type: 'bool', versions: '3+' },
  ],
} as const;

const response = {
  name: 'DescribeGroupsResponse',
  apiKey: 15,
  validVersions: '0-5',
  flexibleVersions: '5+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'groups',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'groupId', type: 'string', versions: '0+' },
        { name: 'groupState', type: 'string', versions: '0+' },
        { name: 'protocolType', type: 'string', versions: '0+' },
        { name: 'protocolData', type: 'string', versions: '0+' },
        {
          name: 'members',
          type: 'struct[]',
          versions: '0+',
          fields: [
            { name: 'memberId', type: 'string', versions: '0+' },
            {
              name: 'groupInstanceId',
              type: 'string',
              versions: '4+',
              nullableVersions: '4+',
              default: null,
            },
            { name: 'clientId', type: 'string', versions: '0+' },
            { name: 'clientHost', type: 'string', versions: '0+' },
            { name: 'memberMetadata', type: 'bytes', versions: '0+' },
            { name: 'memberAssignment', type: 'bytes', versions: '0+' },
          ],
        },
        { name: 'authorizedOperations', type: 'int32', versions: '3+', default: -2147483648 },
      ],
    },
  ],
} as const;

export const DescribeGroups = {
  apiKey: 15,
  name: 'DescribeGroups',
  request,
  response,
} as const satisfies ApiSpec;
export type DescribeGroupsRequest = MessageOf<typeof request>;
export type DescribeGroupsResponse = MessageOf<typeof response>;
