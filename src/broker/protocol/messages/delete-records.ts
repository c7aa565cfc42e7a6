/**
 * DeleteRecords (key 21), versions 0–2; flexible from 2.
 *
 *   DeleteRecords Request => [topics => name:string [partitions => partition_index:int32 offset:int64]] timeout_ms:int32
 *   DeleteRecords Response => throttle_time_ms:int32
 *                             [topics => name:string [partitions => partition_index:int32 low_watermark:int64
 *                               error_code:int16]]
 *
 * Offset -1 deletes up to the high watermark.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'DeleteRecordsRequest',
  apiKey: 21,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
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
            { name: 'offset', type: 'int64', versions: '0+' },
          ],
        },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
  ],
} as const;

const response = {
  name: 'DeleteRecordsResponse',
  apiKey: 21,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
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
            { name: 'lowWatermark', type: 'int64', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const;

export const DeleteRecords = {
  apiKey: 21,
  name: 'DeleteRecords',
  request,
  response,
} as const satisfies ApiSpec;
export type DeleteRecordsRequest = MessageOf<typeof request>;
export type DeleteRecordsResponse = MessageOf<typeof response>;
