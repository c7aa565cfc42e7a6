/**
 * InitProducerId (key 22), versions 0–5; flexible from 2.
 *
 *   InitProducerId Request => transactional_id:nullable_string transaction_timeout_ms:int32 producer_id:int64 (v3+)
 *                             producer_epoch:int16 (v3+)
 *   InitProducerId Response => throttle_time_ms:int32 error_code:int16 producer_id:int64 producer_epoch:int16
 *
 * An idempotent producer (no transactional id) gets a fresh producer id at epoch 0. From v3 a producer may name
 * the id and epoch it had (KIP-360); v4 and v5 only add error codes.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'InitProducerIdRequest',
  apiKey: 22,
  validVersions: '0-5',
  flexibleVersions: '2+',
  fields: [
    { name: 'transactionalId', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '3+', default: -1 },
    { name: 'producerEpoch', type: 'int16', versions: '3+', default: -1 },
  ],
} as const;

const response = {
  name: 'InitProducerIdResponse',
  apiKey: 22,
  validVersions: '0-5',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '0+', default: -1 },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
  ],
} as const;

export const InitProducerId = {
  apiKey: 22,
  name: 'InitProducerId',
  request,
  response,
} as const satisfies ApiSpec;
export type InitProducerIdRequest = MessageOf<typeof request>;
export type InitProducerIdResponse = MessageOf<typeof response>;
