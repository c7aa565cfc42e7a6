/**
 * Fetch (key 1), versions 0–17; flexible from 12. Only v4+ is served: v4 is the first to carry RecordBatch v2,
 * and v0–3 are listed only because librdkafka enables its codecs when it sees them (see api-versions.ts); a
 * request at v0–3 gets UNSUPPORTED_VERSION on every partition.
 *
 *   Fetch Request => replica_id:int32 (v0–14) max_wait_ms:int32 min_bytes:int32 max_bytes:int32 (v3+)
 *                    isolation_level:int8 (v4+) session_id:int32 (v7+) session_epoch:int32 (v7+)
 *                    [topics => topic:string (v0–12) topic_id:uuid (v13+)
 *                      [partitions => partition:int32 current_leader_epoch:int32 (v9+) fetch_offset:int64
 *                        last_fetched_epoch:int32 (v12+) log_start_offset:int64 (v5+) partition_max_bytes:int32]]
 *                    [forgotten_topics_data => topic:string (v7–12) topic_id:uuid (v13+) [partitions:int32]] (v7+)
 *                    rack_id:string (v11+)
 *   Fetch Response => throttle_time_ms:int32 (v1+) error_code:int16 (v7+) session_id:int32 (v7+)
 *                     [responses => topic:string (v0–12) topic_id:uuid (v13+)
 *                       [partitions => partition_index:int32 error_code:int16 high_watermark:int64
 *                         last_stable_offset:int64 (v4+) log_start_offset:int64 (v5+)
 *                         [aborted_transactions => producer_id:int64 first_offset:int64] (v4+, nullable)
 *                         preferred_read_replica:int32 (v11+) records:records]]
 *
 * From v13 topics are named by id (KIP-516). The tagged fields a follower sends (replica state, directory id) and
 * those a leader change needs in the response (diverging epoch, current leader, node endpoints) are left out: on
 * one node they never apply, and unknown tags are skipped. Records are served as stored on disk.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'FetchRequest',
  apiKey: 1,
  validVersions: '0-17',
  flexibleVersions: '12+',
  fields: [
    { name: 'replicaId', type: 'int32', versions: '0-14', default: -1 },
    { name: 'maxWaitMs', type: 'int32', versions: '0+' },
    { name: 'minBytes', type: 'int32', versions: '0+' },
    { name: 'maxBytes', type: 'int32', versions: '3+', default: 0x7fffffff },
    { name: 'isolationLevel', type: 'int8', versions: '4+' },
    { name: 'sessionId', type: 'int32', versions: '7+' },
    { name: 'sessionEpoch', type: 'int32', versions: '7+', default: -1 },
    {
      name: 'topics',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0-12' },
        { name: 'topicId', type: 'uuid', versions: '13+' },
        {
          name: 'partitions',
          type: 'struct[]',
          versions: '0+',
          fields: [
            { name: 'partition', type: 'int32', versions: '0+' },
            { name: 'currentLeaderEpoch', type: 'int32', versions: '9+', default: -1 },
            { name: 'fetchOffset', type: 'int64', versions: '0+' },
            { name: 'lastFetchedEpoch', type: 'int32', versions: '12+', default: -1 },
            { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1 },
            { name: 'partitionMaxBytes', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
    {
      name: 'forgottenTopicsData',
      type: 'struct[]',
      versions: '7+',
      fields: [
        { name: 'topic', type: 'string', versions: '7-12' },
        { name: 'topicId', type: 'uuid', versions: '13+' },
        { name: 'partitions', type: 'int32[]', versions: '7+' },
      ],
    },
    { name: 'rackId', type: 'string', versions: '11+' },
  ],
} as const;

const response = {
  name: 'FetchResponse',
  apiKey: 1,
  validVersions: '0-17',
  flexibleVersions: '12+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '7+' },
    { name: 'sessionId', type: 'int32', versions: '7+' },
    {
      name: 'responses',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0-12' },
        { name: 'topicId', type: 'uuid', versions: '13+' },
        {
          name: 'partitions',
          type: 'struct[]',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'highWatermark', type: 'int64', versions: '0+' },
            { name: 'lastStableOffset', type: 'int64', versions: '4+', default: -1 },
            { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1 },
            {
              name: 'abortedTransactions',
              type: 'struct[]',
              versions: '4+',
              nullableVersions: '4+',
              fields: [
                { name: 'producerId', type: 'int64', versions: '4+' },
                { name: 'firstOffset', type: 'int64', versions: '4+' },
              ],
            },
            { name: 'preferredReadReplica', type: 'int32', versions: '11+', default: -1 },
            { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
} as const;

export const Fetch = { apiKey: 1, name: 'Fetch', request, response } as const satisfies ApiSpec;
export type FetchRequest = MessageOf<typeof request>;
export type FetchResponse = MessageOf<typeof response>;
