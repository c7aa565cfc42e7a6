/**
 * ListTransactions (key 66), versions 0–1; flexible from 0.
 *
 *   ListTransactions Request => [state_filters:string] [producer_id_filters:int64] duration_filter:int64 (v1+)
 *   ListTransactions Response => throttle_time_ms:int32 error_code:int16 [unknown_state_filters:string]
 *                                [transaction_states => transactional_id:string producer_id:int64
 *                                  transaction_state:string]
 *
 * Empty filters match everything; a duration filter of -1 too. v1 adds the duration filter (KIP-994).
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'ListTransactionsRequest',
  apiKey: 66,
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'stateFilters', type: 'string[]', versions: '0+' },
    { name: 'producerIdFilters', type: 'int64[]', versions: '0+' },
    { name: 'durationFilter', type: 'int64', versions: '1+', default: -1 },
  ],
} as const;

const response = {
  name: 'ListTransactionsResponse',
  apiKey: 66,
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'unknownStateFilters', type: 'string[]', versions: '0+' },
    {
      name: 'transactionStates',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'transactionalId', type: 'string', versions: '0+' },
        { name: 'producerId', type: 'int64', versions: '0+' },
        { name: 'transactionState', type: 'string', versions: '0+' },
      ],
    },
  ],
} as const;

export const ListTransactions = {
  apiKey: 66,
  name: 'ListTransactions',
  request,
  response,
} as const satisfies ApiSpec;
export type ListTransactionsRequest = MessageOf<typeof request>;
export type ListTransactionsResponse = MessageOf<typeof response>;
