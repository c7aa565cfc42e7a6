/**
 * Metadata (key 3), versions 0–12; flexible from 9.
 *
 *   Metadata Request => [topics => topic_id:uuid (v10+) name:string (nullable v10+)] (null = all topics, v1+)
 *                       allow_auto_topic_creation:bool (v4+) include_cluster_authorized_operations:bool (v8–10)
 *                       include_topic_authorized_operations:bool (v8+)
 *   Metadata Response => throttle_time_ms:int32 (v3+) [brokers => node_id:int32 host:string port:int32 rack:nullable (v1+)]
 *                        cluster_id:nullable_string (v2+) controller_id:int32 (v1+)
 *                        [topics => error_code:int16 name:string (nullable v12+) topic_id:uuid (v10+) is_internal:bool (v1+)
 *                          [partitions => error_code:int16 partition_index:int32 leader_id:int32 leader_epoch:int32 (v7+)
 *                            [replica_nodes:int32] [isr_nodes:int32] [offline_replicas:int32] (v5+)]
 *                          topic_authorized_operations:int32 (v8+)]
 *                        cluster_authorized_operations:int32 (v8–10)
 *
 * In v0 an empty topic list means all topics; from v1 that is a null list, and an empty one means none. From v10 a
 * topic may be asked for by id, with a null name.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'MetadataRequest',
  apiKey: 3,
  validVersions: '0-12',
  flexibleVersions: '9+',
  fields: [
    {
      name: 'topics',
      type: 'struct[]',
      versions: '0+',
      nullableVersions: '1+',
      fields: [
        { name: 'topicId', type: 'uuid', versions: '10+' },
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '10+' },
      ],
    },
    { name: 'allowAutoTopicCreation', type: 'bool', versions: '4+', default: true },
    { name: 'includeClusterAuthorizedOperations', type: 'bool', versions: '8-10' },
    { name: 'includeTopicAuthorizedOperations', type: 'bool', versions: '8+' },
  ],
} as const;

const response = {
  name: 'MetadataResponse',
  apiKey: 3,
  validVersions: '0-12',
  flexibleVersions: '9+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+' },
    {
      name: 'brokers',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'nodeId', type: 'int32', versions: '0+' },
        { name: 'host', type: 'string', versions: '0+' },
        { name: 'port', type: 'int32', versions: '0+' },
        { name: 'rack', type: 'string', versions: '1+', nullableVersions: '1+', default: null },
      ],
    },
    { name: 'clusterId', type: 'string', versions: '2+', nullableVersions: '2+', default: null },
    { name: 'controllerId', type: 'int32', versions: '1+', default: -1 },
    {
      name: 'topics',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '12+' },
        { name: 'topicId', type: 'uuid', versions: '10+' },
        { name: 'isInternal', type: 'bool', versions: '1+' },
        {
          name: 'partitions',
          type: 'struct[]',
          versions: '0+',
          fields: [
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'leaderId', type: 'int32', versions: '0+' },
            { name: 'leaderEpoch', type: 'int32', versions: '7+', default: -1 },
            { name: 'replicaNodes', type: 'int32[]', versions: '0+' },
            { name: 'isrNodes', type: 'int32[]', versions: '0+' },
            { name: 'offlineReplicas', type: 'int32[]', versions: '5+' },
          ],
        },
        { name: 'topicAuthorizedOperations', type: 'int32', versions: '8+', default: -2147483648 },
      ],
    },
    { name: 'clusterAuthorizedOperations', type: 'int32', versions: '8-10', default: -2147483648 },
  ],
} as const;

export const Metadata = { apiKey: 3, name: 'Metadata', request, response } as const satisfies ApiSpec;
export type MetadataRequest = MessageOf<typeof request>;
export type MetadataResponse = MessageOf<typeof response>;
