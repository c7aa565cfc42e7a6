/**
 * AlterConfigs (key 33), versions 0–2; flexible from 2.
 *
 *   AlterConfigs Request => [resources => resource_type:int8 resource_name:string
 *                             [configs => name:string value:nullable_string]] validate_only:bool
 *   AlterConfigs Response => throttle_time_ms:int32
 *                            [responses => error_code:int16 error_message:nullable_string resource_type:int8
 *                              resource_name:string]
 *
 * AlterConfigs replaces a resource's whole set of overrides: keys not named return to their defaults.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'AlterConfigsRequest',
  apiKey: 33,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'resources',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        {
          name: 'configs',
          type: 'struct[]',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
} as const;

const response = {
  name: 'AlterConfigsResponse',
  apiKey: 33,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'responses',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
      ],
    },
  ],
} as const;

export const AlterConfigs = {
  apiKey: 33,
  name: 'AlterConfigs',
  request,
  response,
} as const satisfies ApiSpec;
export type AlterConfigsRequest = MessageOf<typeof request>;
export type AlterConfigsResponse = MessageOf<typeof response>;
