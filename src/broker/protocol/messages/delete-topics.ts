/**
 * DeleteTopics (key 20), versions 0–4; flexible from 4.
 *
 *   DeleteTopics Request => [topic_names:string] timeout_ms:int32
 *   DeleteTopics Response => throttle_time_ms:int32 (v1+) [responses => name:string error_code:int16]
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'DeleteTopicsRequest',
  apiKey: 20,
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'topicNames', type: 'string[]', versions: '0+' },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
  ],
} as const;

const response = {
  name: 'DeleteTopicsResponse',
  apiKey: 20,
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'responses',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
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
