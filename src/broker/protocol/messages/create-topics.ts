/**
 * CreateTopics (key 19), versions 0–4.
 *
 *   CreateTopics Request => [topics => name:string num_partitions:int32 replication_factor:int16
 *                             [assignments => partition_index:int32 [broker_ids:int32]]
 *                             [configs => name:string value:nullable_string]]
 *                           timeout_ms:int32 validate_only:bool (v1+)
 *   CreateTopics Response => throttle_time_ms:int32 (v2+)
 *                            [topics => name:string error_code:int16 error_message:nullable_string (v1+)]
 *
 * num_partitions -1 (v4+) takes the broker default.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'CreateTopicsRequest',
  apiKey: 19,
  validVersions: '0-4',
  flexibleVersions: 'none',
  fields: [
    {
      name: 'topics',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'numPartitions', type: 'int32', versions: '0+' },
        { name: 'replicationFactor', type: 'int16', versions: '0+' },
        {
          name: 'assignments',
          type: 'struct[]',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'brokerIds', type: 'int32[]', versions: '0+' },
          ],
        },
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
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
    { name: 'validateOnly', type: 'bool', versions: '1+' },
  ],
} as const;

const response = {
  name: 'CreateTopicsResponse',
  apiKey: 19,
  validVersions: '0-4',
  flexibleVersions: 'none',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
    {
      name: 'topics',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '1+', nullableVersions: '0+', default: null },
      ],
    },
  ],
} as const;

export const CreateTopics = {
  apiKey: 19,
  name: 'CreateTopics',
  request,
  response,
} as const satisfies ApiSpec;
export type CreateTopicsRequest = MessageOf<typeof request>;
export type CreateTopicsResponse = MessageOf<typeof response>;
