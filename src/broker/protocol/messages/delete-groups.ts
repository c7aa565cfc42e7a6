/**
 * DeleteGroups (key 42), versions 0–2; flexible from 2.
 *
 *   DeleteGroups Request => [groups_names:string]
 *   DeleteGroups Response => throttle_time_ms:int32 [results => group_id:string error_code:int16]
 *
 * Only an empty group can be deleted (NON_EMPTY_GROUP otherwise).
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'DeleteGroupsRequest',
  apiKey: 42,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [{ name: 'groupsNames', type: 'string[]', versions: '0+' }],
} as const;

const response = {
  name: 'DeleteGroupsResponse',
  apiKey: 42,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'groupId', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
      ],
    },
  ],
} as const;

export const DeleteGroups = {
  apiKey: 42,
  name: 'DeleteGroups',
  request,
  response,
} as const satisfies ApiSpec;
export type DeleteGroupsRequest = MessageOf<typeof request>;
export type DeleteGroupsResponse = MessageOf<typeof response>;
