/**
 * DeleteTopics (key 20), versions 0–6; flexible from 4.
 *
 *   DeleteTopics Request => [topics => name:nullable_string topic_id:uuid] (v6+) [topic_names:string] (v0–5)
 *                           timeout_ms:int32
 *   DeleteTopics Response => throttle_time_ms:int32 (v1+)
 *                            [responses => name:string (nullable v6+) topic_id:uuid (v6+) error_code:int16
 *                              error_message:nullable_string (v5+)]
 *
 * From v6 a topic is named by name or by id (KIP-516).
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'DeleteTopicsRequest',
  apiKey: 20,
  validVersions: '0-6',
  flexibleVersions: '4+',
  fields: [
    {
      name: 'topics',
      type: 'struct[]',
      versions: '6+',
      fields: [
        { name: 'name', type: 'string', versions: '6+', nullableVersions: '6+', default: null },
        { name: 'topicId', type: 'uuid', versions: '6+' },
      ],
    },
    { name: 'topicNames', type: 'string[]', versions: '0-5' },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
  ],
} as const;

const response = {
  name: 'DeleteTopicsResponse',
  apiKey: 20,
  validVersions: '0-6',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'responses',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '6+' },
        { name: 'topicId', type: 'uuid', versions: '6+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
      ],
    },
  ],
} as const;

export const DeleteTopics = {
  apiKey: 20,
  name: 'DeleteTopics',
  request,
  response,
} as const satisfies ApiSpec;
export type DeleteTopicsRequest = MessageOf<typeof request>;
export type DeleteTopicsResponse = MessageOf<typeof response>;
