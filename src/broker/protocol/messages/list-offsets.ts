/**
 * ListOffsets (key 2), versions 0–9; flexible from 6.
 *
 *   ListOffsets Request => replica_id:int32 isolation_level:int8 (v2+)
 *                          [topics => name:string [partitions => partition_index:int32 current_leader_epoch:int32 (v4+)
 *                            timestamp:int64 max_num_offsets:int32 (v0 only)]]
 *   ListOffsets Response => throttle_time_ms:int32 (v2+)
 *                           [topics => name:string [partitions => partition_index:int32 error_code:int16
 *                             [old_style_offsets:int64] (v0 only) timestamp:int64 (v1+) offset:int64 (v1+)
 *                             leader_epoch:int32 (v4+)]]
 *
 * A timestamp of -2 asks for the earliest offset, -1 for the latest (the high watermark); from v7 -3 asks for the
 * record with the largest timestamp (KIP-734), from v8 -4 for the earliest local offset and from v9 -5 for the
 * latest tiered one (KIP-1005).
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'ListOffsetsRequest',
  apiKey: 2,
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'replicaId', type: 'int32', versions: '0+', default: -1 },
    { name: 'isolationLevel', type: 'int8', versions: '2+' },
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
            { name: 'currentLeaderEpoch', type: 'int32', versions: '4+', default: -1 },
            { name: 'timestamp', type: 'int64', versions: '0+' },
            { name: 'maxNumOffsets', type: 'int32', versions: '0', default: 1 },
          ],
        },
      ],
    },
  ],
} as const;

const response = {
  name: 'ListOffsetsResponse',
  apiKey: 2,
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
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
            { name: 'oldStyleOffsets', type: 'int64[]', versions: '0' },
            { name: 'timestamp', type: 'int64', versions: '1+', default: -1 },
            { name: 'offset', type: 'int64', versions: '1+', default: -1 },
            { name: 'leaderEpoch', type: 'int32', versions: '4+', default: -1 },
          ],
        },
      ],
    },
  ],
} as const;

export const ListOffsets = { apiKey: 2, name: 'ListOffsets', request, response } as const satisfies ApiSpec;
export type ListOffsetsRequest = MessageOf<typeof request>;
export type ListOffsetsResponse = MessageOf<typeof response>;
