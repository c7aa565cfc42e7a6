/**
 * DescribeConfigs (key 32), versions 0–4; flexible from 4.
 *
 *   DescribeConfigs Request => [resources => resource_type:int8 resource_name:string [configuration_keys:string] (nullable)]
 *                              include_synonyms:bool (v1+) include_documentation:bool (v3+)
 *   DescribeConfigs Response => throttle_time_ms:int32
 *                               [results => error_code:int16 error_message:nullable_string resource_type:int8
 *                                 resource_name:string
 *                                 [configs => name:string value:nullable_string read_only:bool is_default:bool (v0)
 *                                   config_source:int8 (v1+) is_sensitive:bool
 *                                   [synonyms => name:string value:nullable_string source:int8] (v1+)
 *                                   config_type:int8 (v3+) documentation:nullable_string (v3+)]]
 *
 * resource_type 2 is a topic, 4 a broker. config_source 1 is a topic override, 5 the static broker default.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'DescribeConfigsRequest',
  apiKey: 32,
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    {
      name: 'resources',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        { name: 'configurationKeys', type: 'string[]', versions: '0+', nullableVersions: '0+' },
      ],
    },
    { name: 'includeSynonyms', type: 'bool', versions: '1+' },
    { name: 'includeDocumentation', type: 'bool', versions: '3+' },
  ],
} as const;

const response = {
  name: 'DescribeConfigsResponse',
  apiKey: 32,
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        {
          name: 'configs',
          type: 'struct[]',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
            { name: 'readOnly', type: 'bool', versions: '0+' },
            { name: 'isDefault', type: 'bool', versions: '0' },
            { name: 'configSource', type: 'int8', versions: '1+', default: -1 },
            { name: 'isSensitive', type: 'bool', versions: '0+' },
            {
              name: 'synonyms',
              type: 'struct[]',
              versions: '1+',
              fields: [
                { name: 'name', type: 'string', versions: '1+' },
                { name: 'value', type: 'string', versions: '1+', nullableVersions: '1+' },
                { name: 'source', type: 'int8', versions: '1+' },
              ],
            },
            { name: 'configType', type: 'int8', versions: '3+' },
            { name: 'documentation', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
          ],
        },
      ],
    },
  ],
} as const;

export const DescribeConfigs = {
  apiKey: 32,
  name: 'DescribeConfigs',
  request,
  response,
} as const satisfies ApiSpec;
export type DescribeConfigsRequest = MessageOf<typeof request>;
export type DescribeConfigsResponse = MessageOf<typeof response>;
