/**
 * OffsetFetch (key 9), versions 0–9; flexible from 6.
 *
 *   OffsetFetch Request => group_id:string (v0–7) [topics => name:string [partition_indexes:int32]] (v0–7, null = all, v2+)
 *                          [groups => group_id:string member_id:nullable_string (v9+) member_epoch:int32 (v9+)
 *                            [topics => name:string [partition_indexes:int32]] (null = all)] (v8+)
 *                          require_stable:bool (v7+)
 *   OffsetFetch Response => throttle_time_ms:int32 (v3+)
 *                           [topics => name:string [partitions => partition_index:int32 committed_offset:int64
 *                             committed_leader_epoch:int32 (v5+) metadata:nullable_string error_code:int16]] (v0–7)
 *                           error_code:int16 (v2–7)
 *                           [groups => group_id:string [topics => name:string [partitions => partition_index:int32
 *                             committed_offset:int64 committed_leader_epoch:int32 metadata:nullable_string
 *                             error_code:int16]] error_code:int16] (v8+)
 *
 * From v8 one request asks for the offsets of several groups (KIP-709). A partition without a committed offset
 * answers offset -1 and no error.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const requestTopics = (versions: string, nullableVersions: string) =>
  ({
    name: 'topics',
    type: 'struct[]',
    versions,
    nullableVersions,
    fields: [
      { name: 'name', type: 'string', versions: '0+' },
      { name: 'partitionIndexes', type: 'int32[]', versions: '0+' },
    ],
  }) as const;

const responsePartitions = {
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
} as const;

const request = {
  name: 'OffsetFetchRequest',
  apiKey: 9,
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0-7' },
    requestTopics('0-7', '2-7'),
    {
      name: 'groups',
      type: 'struct[]',
      versions: '8+',
      fields: [
        { name: 'groupId', type: 'string', versions: '8+' },
        { name: 'memberId', type: 'string', versions: '9+', nullableVersions: '9+', default: null },
        { name: 'memberEpoch', type: 'int32', versions: '9+', default: -1 },
        requestTopics('8+', '8+'),
      ],
    },
    { name: 'requireStable', type: 'bool', versions: '7+' },
  ],
} as const;

const response = {
  name: 'OffsetFetchResponse',
  apiKey: 9,
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+' },
    {
      name: 'topics',
      type: 'struct[]',
      versions: '0-7',
      fields: [{ name: 'name', type: 'string', versions: '0+' }, responsePartitions],
    },
    { name: 'errorCode', type: 'int16', versions: '2-7' },
    {
      name: 'groups',
      type: 'struct[]',
      versions: '8+',
      fields: [
        { name: 'groupId', type: 'string', versions: '8+' },
        {
          name: 'topics',
          type: 'struct[]',
          versions: '8+',
          fields: [{ name: 'name', type: 'string', versions: '8+' }, responsePartitions],
        },
        { name: 'errorCode', type: 'int16', versions: '8+' },
      ],
    },
  ],
} as const;

export const OffsetFetch = { apiKey: 9, name: 'OffsetFetch', request, response } as const satisfies ApiSpec;
export type OffsetFetchRequest = MessageOf<typeof request>;
export type OffsetFetchResponse = MessageOf<typeof response>;
