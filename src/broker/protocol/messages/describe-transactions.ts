/**
 * DescribeTransactions (key 65), version 0; flexible from 0.
 *
 *   DescribeTransactions Request => [transactional_ids:string]
 *   DescribeTransactions Response => throttle_time_ms:int32
 *                                    [transaction_states => error_code:int16 transactional_id:string
 *                                      transaction_state:string transaction_timeout_ms:int32
 *                                      transaction_start_time_ms:int64 producer_id:int64 producer_epoch:int16
 *                                      [topics => topic:string [partitions:int32]]]
 *
 * The state of each transactional id at its coordinator (KIP-664).
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'DescribeTransactionsRequest',
  apiKey: 65,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [{ name: 'transactionalIds', type: 'string[]', versions: '0+' }],
} as const;

const response = {
  name: 'DescribeTransactionsResponse',
  apiKey: 65,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'transactionStates',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'transactionalId', type: 'string', versions: '0+' },
        { name: 'transactionState', type: 'string', versions: '0+' },
        { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
        { name: 'transactionStartTimeMs', type: 'int64', versions: '0+' },
        { name: 'producerId', type: 'int64', versions: '0+' },
        { name: 'producerEpoch', type: 'int16', versions: '0+' },
        {
          name: 'topics',
          type: 'struct[]',
          versions: '0+',
          fields: [
            { name: 'topic', type: 'string', versions: '0+' },
            { name: 'partitions', type: 'int32[]', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const;

export const DescribeTransactions = {
  apiKey: 65,
  name: 'DescribeTransactions',
  request,
  response,
} as const satisfies ApiSpec;
export type DescribeTransactionsRequest = MessageOf<typeof request>;
export type DescribeTransactionsResponse = MessageOf<typeof response>;
