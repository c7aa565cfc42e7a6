/**
 * OffsetCommit (key 8), versions 0–9; flexible from 8 (v9 only changes what a new-protocol member sends in
 * generation_id: its member epoch).
 *
 *   OffsetCommit Request => group_id:string generation_id:int32 (v1+) member_id:string (v1+)
 *                           group_instance_id:nullable_string (v7+) retention_time_ms:int64 (v2–4)
 *                           [topics => name:string [partitions => partition_index:int32 committed_offset:int64
 *                             committed_leader_epoch:int32 (v6+) commit_timestamp:int64 (v1 only)
 *                             committed_metadata:nullable_string]]
 *   OffsetCommit Response => throttle_time_ms:int32 (v3+)
 *                            [topics => name:string [partitions => partition_index:int32 error_code:int16]]
 *
 * A generation of -1 with an empty member id is a commit from outside any group (a "simple" consumer).
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'OffsetCommitRequest',
  apiKey: 8,
  validVersions: '0-9',
  flexibleVersions: '8+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '1+', default: -1 },
    { name: 'memberId', type: 'string', versions: '1+' },
    { name: 'groupInstanceId', type: 'string', versions: '7+', nullableVersions: '7+', default: null },
    { name: 'retentionTimeMs', type: 'int64', versions: '2-4', default: -1 },
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
            { name: 'committedLeaderEpoch', type: 'int32', versions: '6+', default: -1 },
            { name: 'commitTimestamp', type: 'int64', versions: '1', default: -1 },
            { name: 'committedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
} as const;

const response = {
  name: 'OffsetCommitResponse',
  apiKey: 8,
  validVersions: '0-9',
  flexibleVersions: '8+',
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
            { name: 'errorCode', type: 'int16', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const;

export const OffsetCommit = { apiKey: 8, name: 'OffsetCommit', request, response } as const satisfies ApiSpec;
export type OffsetCommitRequest = MessageOf<typeof request>;
export type OffsetCommitResponse = MessageOf<typeof response>;
