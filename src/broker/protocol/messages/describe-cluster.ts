/**
 * DescribeCluster (key 60), versions 0–1; flexible from 0.
 *
 *   DescribeCluster Request => include_cluster_authorized_operations:bool endpoint_type:int8 (v1+)
 *   DescribeCluster Response => throttle_time_ms:int32 error_code:int16 error_message:nullable_string
 *                               endpoint_type:int8 (v1+) cluster_id:string controller_id:int32
 *                               [brokers => broker_id:int32 host:string port:int32 rack:nullable_string]
 *                               cluster_authorized_operations:int32
 *
 * endpoint_type 1 asks for brokers, 2 for controllers (KIP-919); this node is both.
 */
import type { ApiSpec, MessageOf } from '../schema.js';

const request = {
  name: 'DescribeClusterRequest',
  apiKey: 60,
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'includeClusterAuthorizedOperations', type: 'bool', versions: '0+' },
    { name: 'endpointType', type: 'int8', versions: '1+', default: 1 },
  ],
} as const;

const response = {
  name: 'DescribeClusterResponse',
  apiKey: 60,
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
    { name: 'endpointType', type: 'int8', versions: '1+', default: 1 },
    { name: 'clusterId', type: 'string', versions: '0+' },
    { name: 'controllerId', type: 'int32', versions: '0+', default: -1 },
    {
      name: 'brokers',
      type: 'struct[]',
      versions: '0+',
      fields: [
        { name: 'brokerId', type: 'int32', versions: '0+' },
        { name: 'host', type: 'string', versions: '0+' },
        { name: 'port', type: 'int32', versions: '0+' },
        { name: 'rack', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
      ],
    },
    { name: 'clusterAuthorizedOperations', type: 'int32', versions: '0+', default: -2147483648 },
  ],
} as const;

export const DescribeCluster = {
  apiKey: 60,
  name: 'DescribeCluster',
  request,
  response,
} as const satisfies ApiSpec;
export type DescribeClusterRequest = MessageOf<typeof request>;
export type DescribeClusterResponse = MessageOf<typeof response>;
