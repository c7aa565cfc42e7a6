/**
 * ListGroups (key 16), versions 0–5; flexible from 3.
 *
 *   ListGroups Request => [states_filter:string] (v4+) [types_filter:string] (v5+)
 *   ListGroups Response => throttle_time_ms:int32 (v1+) error_code:int16
 *                          [groups => group_id:string protocol_type:string group_state:string (v4+)
 *                            group_type:string (v5+)]
 *
 * An empty filter matches every group; states and types match without regard to case, as in Kafka.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'ListGroupsRequest',
  apiKey: 16,
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'statesFilter', type: 'string[]', versions: '4+' },
    { name: 'typesFilter', type: 'string[]', versions: '5+' },
  ],
} as const;

const response = {
  name: 'ListGroupsResponse',
  apiKey: 16,
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'groups',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'groupId', type: 'string', versions: '0+' },
        { name: 'protocolType', type: 'string', versions: '0+' },
        { name: 'groupState', type: 'string', versions: '4+' },
        { name: 'groupType', type: 'string', versions: '5+' },
      ],
    },
  ],
} as const;

export const ListGroups = { apiKey: 16, name: 'ListGroups', request, response } as const satisfies ApiSpec;
export type ListGroupsRequest = MessageOf<typeof request>;
export type ListGroupsResponse = MessageOf<typeof response>;
