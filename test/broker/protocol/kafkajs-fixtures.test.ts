// Byte vectors from kafkajs's protocol test fixtures (src/protocol/requests/<api>/fixtures/*.json in tulios/kafkajs),
// captured from real brokers and clients. Each is a message body without its header.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, Reader } from '../../../src/broker/protocol/index.js';
import type {
  FetchRequest,
  JoinGroupRequest,
  JoinGroupResponse,
  ListOffsetsRequest,
  ListOffsetsResponse,
  MetadataResponse,
  OffsetCommitRequest,
  ProduceRequest,
  ProduceResponse,
} from '../../../src/broker/protocol/messages/index.js';
import {
  Fetch,
  JoinGroup,
  ListOffsets,
  Metadata,
  OffsetCommit,
  Produce,
} from '../../../src/broker/protocol/messages/index.js';
import type { MessageSpec } from '../../../src/broker/protocol/schema.js';

function fixture(name: string): Buffer {
  const json = JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
  return Buffer.from(json.data);
}

/** Decodes the whole fixture, checks re-encoding gives the same bytes, and returns the decoded message. */
function roundTrip<T>(spec: MessageSpec, version: number, name: string): T {
  const bytes = fixture(name);
  const r = new Reader(bytes);
  const decoded = decodeMessage<T>(spec, version, r);
  expect(r.remaining).toBe(0);
  expect(encodeMessage(spec, version, decoded).toBuffer().equals(bytes)).toBe(true);
  return decoded;
}

describe('broker › protocol › kafkajs fixtures', () => {
  it('Produce v3 request carries the record batch through untouched', () => {
    const req = roundTrip<ProduceRequest>(Produce.request, 3, 'produce-v3-request');
    expect(req.transactionalId).toBeNull();
    expect(req.acks).toBe(-1);
    expect(req.timeoutMs).toBe(30000);
    expect(req.topicData[0].name).toBe('test-topic-ebba68879c6f5081d8c2');
    const records = req.topicData[0].partitionData[0].records!;
    expect(records.length).toBe(270);
    expect(records[16]).toBe(2); // magic of a RecordBatch v2
    expect(records.readInt32BE(57)).toBe(3); // record count
  });

  it('Produce v3 and v7 responses', () => {
    const v3 = roundTrip<ProduceResponse>(Produce.response, 3, 'produce-v3-response');
    expect(v3.responses[0].partitionResponses[0]).toMatchObject({ index: 0, errorCode: 0, baseOffset: 0 });
    expect(v3.responses[0].partitionResponses[0].logAppendTimeMs).toBe(-1);
    const v7 = roundTrip<ProduceResponse>(Produce.response, 7, 'produce-v7-response');
    expect(v7.responses[0].partitionResponses[0].logStartOffset).toBe(0);
    expect(v7.throttleTimeMs).toBe(0);
  });

  it('Fetch v11 request', () => {
    const req = roundTrip<FetchRequest>(Fetch.request, 11, 'fetch-v11-request');
    expect(req).toMatchObject({
      replicaId: -1,
      maxWaitMs: 100,
      minBytes: 1,
      maxBytes: 10485760,
      isolationLevel: 1,
    });
    expect(req.sessionEpoch).toBe(-1);
    expect(req.rackId).toBe('rack1');
    expect(req.topics[0].partitions[0]).toEqual({
      partition: 0,
      currentLeaderEpoch: -1,
      fetchOffset: 0,
      // Absent before v12: its default.
      lastFetchedEpoch: -1,
      logStartOffset: -1,
      partitionMaxBytes: 1048576,
    });
  });

  it('JoinGroup v5 request and response', () => {
    const req = roundTrip<JoinGroupRequest>(JoinGroup.request, 5, 'join-group-v5-request');
    expect(req).toMatchObject({
      sessionTimeoutMs: 30000,
      rebalanceTimeoutMs: 60000,
      memberId: '',
      groupInstanceId: 'group-instance-id',
      protocolType: 'consumer',
    });
    expect(req.protocols[0].name).toBe('AssignerName');
    const res = roundTrip<JoinGroupResponse>(JoinGroup.response, 5, 'join-group-v5-response');
    expect(res.generationId).toBe(1);
    expect(res.protocolName).toBe('AssignerName');
    expect(res.leader).toBe(res.memberId);
    expect(res.members[0].groupInstanceId).toBe('group-instance-id');
  });

  it('OffsetCommit v7 request', () => {
    const v7 = roundTrip<OffsetCommitRequest>(OffsetCommit.request, 7, 'offset-commit-v7-request');
    expect(v7.groupInstanceId).toMatch(/^grpup-instance-id/);
    expect(v7.topics[0].partitions[0]).toMatchObject({ committedLeaderEpoch: 456, committedMetadata: null });
  });

  it('ListOffsets v1 request and response', () => {
    const req = roundTrip<ListOffsetsRequest>(ListOffsets.request, 1, 'list-offsets-v1-request');
    expect(req.replicaId).toBe(-1);
    expect(req.topics[0].partitions[0].timestamp).toBe(1509285569484);
    const res = roundTrip<ListOffsetsResponse>(ListOffsets.response, 1, 'list-offsets-v1-response');
    expect(res.topics[0].partitions[0]).toMatchObject({ errorCode: 0, timestamp: 1543343103774, offset: 0 });
  });

  it('Metadata v5 response of a three-broker cluster', () => {
    const res = roundTrip<MetadataResponse>(Metadata.response, 5, 'metadata-v5-response');
    expect(res.brokers.map((b) => b.port)).toEqual([9098, 9095, 9092]);
    expect(res.brokers[0]).toEqual({ nodeId: 2, host: '10.3.220.89', port: 9098, rack: null });
    expect(res.clusterId).toBe('wyOEk0m7Tn-08oGZjtVgEg');
    expect(res.controllerId).toBe(2);
    expect(res.topics[0].partitions[0]).toMatchObject({ leaderId: 0, replicaNodes: [0], isrNodes: [0] });
  });
});
