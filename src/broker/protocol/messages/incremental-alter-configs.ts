/**
 * IncrementalAlterConfigs (key 44), versions 0–1; flexible from 1.
 *
 *   IncrementalAlterConfigs Request => [resources => resource_type:int8 resource_name:string
 *                                        [configs => name:string config_operation:int8 value:nullable_string]]
 *                                      validate_only:bool
 *   IncrementalAlterConfigs Response => throttle_time_ms:int32
 *                                       [responses => error_code:int16 error_message:nullable_string
 *                                         resource_type:int8 resource_name:string]
 *
 * Unlike AlterConfigs, only the keys named change: config_operation 0 sets, 1 deletes (back to the default),
 * 2 appends to a list value and 3 subtracts from it (KIP-339).
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'IncrementalAlterConfigsRequest',
  apiKey: 44,
  validVersions: '0-1',
  flexibleVersions: '1+',
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
            { name: 'configOperation', type: 'int8', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
} as const;

const response = {
  name: 'IncrementalAlterConfigsResponse',
  apiKey: 44,
  validVersions: '0-1',
  flexibleVersions: '1+',
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

export const IncrementalAlterConfigs = {
  apiKey: 44,
  name: 'IncrementalAlterConfigs',
  request,
  response,
} as const satisfies ApiSpec;
export type IncrementalAlterConfigsRequest = MessageOf<typeof request>;
export type IncrementalAlterConfigsResponse = MessageOf<typeof response>;
