/**
 * Produce (key 0), versions 0–11; flexible from 9. Only v3+ is served: v3 is the first to carry RecordBatch v2,
 * and v0–2 are listed only because librdkafka enables its codecs when it sees them (see api-versions.ts); a
 * request at v0–2 gets UNSUPPORTED_VERSION on every partition. v10 and v11 change nothing on the wire but tagged
 * leader hints, which on one node never apply.
 *
 *   Produce Request => transactional_id:nullable_string (v3+) acks:int16 timeout_ms:int32
 *                      [topic_data => name:string [partition_data => index:int32 records:records]]
 *   Produce Response => [responses => name:string
 *                          [partition_responses => index:int32 error_code:int16 base_offset:int64
 *                            log_append_time_ms:int64 (v2+) log_start_offset:int64 (v5+)
 *                            [record_errors => batch_index:int32 batch_index_error_message:nullable_string] (v8+)
 *                            error_message:nullable_string (v8+)]]
 *                      throttle_time_ms:int32 (v1+)
 *
 * A request with acks=0 gets no response at all.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'ProduceRequest',
  apiKey: 0,
  validVersions: '0-11',
  flexibleVersions: '9+',
  fields: [
    { name: 'transactionalId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    { name: 'acks', type: 'int16', versions: '0+' },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
    {
      name: 'topicData',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitionData',
          type: 'struct[]',
          versions: '0+',
          fields: [
            { name: 'index', type: 'int32', versions: '0+' },
            { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
} as const;

const response = {
  name: 'ProduceResponse',
  apiKey: 0,
  validVersions: '0-11',
  flexibleVersions: '9+',
  fields: [
    {
      name: 'responses',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitionResponses',
          type: 'struct[]',
          versions: '0+',
          fields: [
            { name: 'index', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'baseOffset', type: 'int64', versions: '0+' },
            { name: 'logAppendTimeMs', type: 'int64', versions: '2+', default: -1 },
            { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1 },
            {
              name: 'recordErrors',
              type: 'struct[]',
              versions: '8+',
              fields: [
                { name: 'batchIndex', type: 'int32', versions: '8+' },
                {
                  name: 'batchIndexErrorMessage',
                  type: 'string',
                  versions: '8+',
                  nullableVersions: '8+',
                  default: null,
                },
              ],
            },
            { name: 'errorMessage', type: 'string', versions: '8+', nullableVersions: '8+', default: null },
          ],
        },
      ],
    },
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
  ],
} as const;

export const Produce = { apiKey: 0, name: 'Produce', request, response } as const satisfies ApiSpec;
export type ProduceRequest = MessageOf<typeof request>;
export type ProduceResponse = MessageOf<typeof response>;
