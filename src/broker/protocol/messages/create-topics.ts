/**
 * CreateTopics (key 19), versions 0–7; flexible from 5.
 *
 *   CreateTopics Request => [topics => name:string num_partitions:int32 replication_factor:int16
 *                             [assignments => partition_index:int32 [broker_ids:int32]]
 *                             [configs => name:string value:nullable_string]]
 *                           timeout_ms:int32 validate_only:bool (v1+)
 *   CreateTopics Response => throttle_time_ms:int32 (v2+)
 *                            [topics => name:string topic_id:uuid (v7+) error_code:int16
 *                              error_message:nullable_string (v1+) num_partitions:int32 (v5+)
 *                              replication_factor:int16 (v5+)
 *                              [configs => name:string value:nullable_string read_only:bool config_source:int8
 *                                is_sensitive:bool] (v5+, nullable)]
 *
 * num_partitions -1 (v4+) takes the broker default. From v5 the response tells what the topic was created with.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'CreateTopicsRequest',
  apiKey: 19,
  validVersions: '0-7',
  flexibleVersions: '5+',
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
  validVersions: '0-7',
  flexibleVersions: '5+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
    {
      name: 'topics',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'topicId', type: 'uuid', versions: '7+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '1+', nullableVersions: '0+', default: null },
        { name: 'topicConfigErrorCode', type: 'int16', versions: '5+', tag: 0 },
        { name: 'numPartitions', type: 'int32', versions: '5+', default: -1 },
        { name: 'replicationFactor', type: 'int16', versions: '5+', default: -1 },
        {
          name: 'configs',
          type: 'struct[]',
          versions: '5+',
          nullableVersions: '5+',
          fields: [
            { name: 'name', type: 'string', versions: '5+' },
            { name: 'value', type: 'string', versions: '5+', nullableVersions: '5+' },
            { name: 'readOnly', type: 'bool', versions: '5+' },
            { name: 'configSource', type: 'int8', versions: '5+', default: -1 },
            { name: 'isSensitive', type: 'bool', versions: '5+' },
          ],
        },
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
