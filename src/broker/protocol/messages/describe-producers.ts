/**
 * DescribeProducers (key 61), version 0; flexible from 0.
 *
 *   DescribeProducers Request => [topics => name:string [partition_indexes:int32]]
 *   DescribeProducers Response => throttle_time_ms:int32
 *                                 [topics => name:string [partitions => partition_index:int32 error_code:int16
 *                                   error_message:nullable_string
 *                                   [active_producers => producer_id:int64 producer_epoch:int32 last_sequence:int32
 *                                     last_timestamp:int64 coordinator_epoch:int32 current_txn_start_offset:int64]]]
 *
 * The idempotent producers a partition has seen, with the last sequence each wrote (KIP-664).
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'DescribeProducersRequest',
  apiKey: 61,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'topics',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'partitionIndexes', type: 'int32[]', versions: '0+' },
      ],
    },
  ],
} as const;

const response = {
  name: 'DescribeProducersResponse',
  apiKey: 61,
  validVersions: '0',
  flexibleVersions: '0+',
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
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
            {
              name: 'activeProducers',
              type: 'struct[]',
              versions: '0+',
              fields: [
                { name: 'producerId', type: 'int64', versions: '0+' },
                { name: 'producerEpoch', type: 'int32', versions: '0+' },
                { name: 'lastSequence', type: 'int32', versions: '0+', default: -1 },
                { name: 'lastTimestamp', type: 'int64', versions: '0+', default: -1 },
                { name: 'coordinatorEpoch', type: 'int32', versions: '0+' },
                { name: 'currentTxnStartOffset', type: 'int64', versions: '0+', default: -1 },
              ],
            },
          ],
        },
      ],
    },
  ],
} as const;

export const DescribeProducers = {
  apiKey: 61,
  name: 'DescribeProducers',
  request,
  response,
} as const satisfies ApiSpec;
export type DescribeProducersRequest = MessageOf<typeof request>;
export type DescribeProducersResponse = MessageOf<typeof response>;
