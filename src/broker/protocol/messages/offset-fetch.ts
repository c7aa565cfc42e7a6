/**
 * OffsetFetch (key 9), versions 0–6; flexible from 6.
 *
 *   OffsetFetch Request => group_id:string [topics => name:string [partition_indexes:int32]] (null = all, v2+)
 *   OffsetFetch Response => throttle_time_ms:int32 (v3+)
 *                           [topics => name:string [partitions => partition_index:int32 committed_offset:int64
 *                             committed_leader_epoch:int32 (v5+) metadata:nullable_string error_code:int16]]
 *                           error_code:int16 (v2+)
 *
 * A partition without a committed offset answers offset -1 and no error.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'OffsetFetchRequest',
  apiKey: 9,
  validVersions: '0-6',
  flexibleVersions: '6+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    {
      name: 'topics',
      type: 'struct[]',
      versions: '0+',
      nullableVersions: '2+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'partitionIndexes', type: 'int32[]', versions: '0+' },
      ],
    },
  ],
} as const;

const response = {
  name: 'OffsetFetchResponse',
  apiKey: 9,
  validVersions: '0-6',
  flexibleVersions: '6+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+' },
    {
      name: 'topics',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: 'struct[]',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'committedOffset', type: 'int64', versions: '0+' },
            { name: 'committedLeaderEpoch', type: 'int32', versions: '5+', default: -1 },
            { name: 'metadata', type: 'string', versions: '0+', nullableVersions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
          ],
        },
      ],
    },
    { name: 'errorCode', type: 'int16', versions: '2+' },
  ],
} as const;

export const OffsetFetch = { apiKey: 9, name: 'OffsetFetch', request, response } as const satisfies ApiSpec;
export type OffsetFetchRequest = MessageOf<typeof request>;
export type OffsetFetchResponse = MessageOf<typeof response>;
