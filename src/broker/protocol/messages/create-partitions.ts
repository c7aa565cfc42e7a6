/**
 * CreatePartitions (key 37), versions 0–3; flexible from 2.
 *
 *   CreatePartitions Request => [topics => name:string count:int32 [assignments => [broker_ids:int32]] (nullable)]
 *                               timeout_ms:int32 validate_only:bool
 *   CreatePartitions Response => throttle_time_ms:int32
 *                                [results => name:string error_code:int16 error_message:nullable_string]
 *
 * `count` is the new total number of partitions, which may only grow.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'CreatePartitionsRequest',
  apiKey: 37,
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'topics',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'count', type: 'int32', versions: '0+' },
        {
          name: 'assignments',
          type: 'struct[]',
          versions: '0+',
          nullableVersions: '0+',
          fields: [{ name: 'brokerIds', type: 'int32[]', versions: '0+' }],
        },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
} as const;

const response = {
  name: 'CreatePartitionsResponse',
  apiKey: 37,
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
      ],
    },
  ],
} as const;

export const CreatePartitions = {
  apiKey: 37,
  name: 'CreatePartitions',
  request,
  response,
} as const satisfies ApiSpec;
export type CreatePartitionsRequest = MessageOf<typeof request>;
export type CreatePartitionsResponse = MessageOf<typeof response>;
