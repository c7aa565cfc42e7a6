/**
 * OffsetDelete (key 47), version 0.
 *
 *   OffsetDelete Request => group_id:string [topics => name:string [partitions => partition_index:int32]]
 *   OffsetDelete Response => error_code:int16 throttle_time_ms:int32
 *                            [topics => name:string [partitions => partition_index:int32 error_code:int16]]
 *
 * Removes a group's committed offsets for the partitions named (KIP-496); refused with
 * GROUP_SUBSCRIBED_TO_TOPIC for a topic the live group still consumes.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'OffsetDeleteRequest',
  apiKey: 47,
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
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
          fields: [{ name: 'partitionIndex', type: 'int32', versions: '0+' }],
        },
      ],
    },
  ],
} as const;

const response = {
  name: 'OffsetDeleteResponse',
  apiKey: 47,
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
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

export const OffsetDelete = {
  apiKey: 47,
  name: 'OffsetDelete',
  request,
  response,
} as const satisfies ApiSpec;
export type OffsetDeleteRequest = MessageOf<typeof request>;
export type OffsetDeleteResponse = MessageOf<typeof response>;
